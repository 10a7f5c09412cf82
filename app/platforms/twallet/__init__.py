"""T-Wallet (shared/contracts/twallet-send.md): the Send guide at its root paths.

Implements ``GET /profile/``, ``GET /profile/account/{account_number}``, ``GET /contact?find=``,
``POST /profile/send-to-profile``, ``GET /profile/payment_transaction``, and contacts
(``POST``/``GET /profile/contact``, ``DELETE /profile/contact/{profile_id}``) over the shared
identity and ledger. Balances are the user's ledger wallet accounts (owner ``user``, purpose
``ACCOUNT_PURPOSE_WALLET``, one per currency = ``asset_key``). A send holds the funds at once and
settles as a ledger transfer ``SETTLE_SECONDS`` (2 s) later on the sandbox clock.

LIMITATIONS:
- The guide's ``DEL /profile/contact/<id>`` is served as ``DELETE``: Litestar refuses the
  non-standard method name at routing (a ``DEL`` request gets 405); a method alias would have to
  sit in the app-wide ASGI middleware.
- T-Wallet documents no login: callers use a token from any platform's login or from
  ``POST /_sandbox/token``.
- Only ``find=phone:<digits>`` is supported by ``/contact``.
- Payment transactions list only send-to-profile transfers (sent and received), not money moved
  through other platforms.
- Error bodies other than the documented auth ones use ``{"code": <status>, "msg": [...]}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.platforms.base import PlatformSpec
from app.platforms.twallet import fixtures, provisioning
from app.platforms.twallet.errors import error_response
from app.platforms.twallet.routes import ROUTES
from app.platforms.twallet.sends import SETTLE_JOB, make_settle_handler

if TYPE_CHECKING:
    from app.runtime import Sandbox

PLATFORM = PlatformSpec(
    name="twallet",
    route_handlers=list(ROUTES),
    path_prefixes=("/profile", "/contact"),
    error_response=error_response,
)


def install(sandbox: Sandbox) -> None:
    sandbox.scheduler.register(SETTLE_JOB, make_settle_handler(sandbox))
    provisioning.install(sandbox)  # the wallet money on demand credits
    fixtures.install(sandbox)  # twallet_contacts in fixture documents
