"""T-Wallet's route handlers at the root paths, one module per resource of the Send guide: parse,
call one domain or core function, render.

- ``profile``: ``GET /profile/``
- ``account``: ``GET /profile/account/{account_number}``
- ``sends``: ``POST /profile/send-to-profile``
- ``transactions``: ``GET /profile/payment_transaction``
- ``contacts``: ``POST``/``GET /profile/contact``, ``DELETE /profile/contact/{profile_id}``
- ``find``: ``GET /contact?find=phone:<digits>``
"""

from __future__ import annotations

from litestar import Controller

from app.platforms.twallet.routes.account import AccountController
from app.platforms.twallet.routes.contacts import ContactsController
from app.platforms.twallet.routes.find import FindController
from app.platforms.twallet.routes.profile import ProfileController
from app.platforms.twallet.routes.sends import SendController
from app.platforms.twallet.routes.transactions import TransactionController

# In the order of the guide's paths in the OpenAPI document.
ROUTES: list[type[Controller]] = [
    ProfileController,
    AccountController,
    SendController,
    TransactionController,
    ContactsController,
    FindController,
]
