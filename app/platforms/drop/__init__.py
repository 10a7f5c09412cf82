"""Drop: a PSD2 pass-through payments app (contract: shared/contracts/drop-rest.md), served at ``/api/...``.

Implemented: every ``/api/...`` route of the contract (auth, transactions, recipients, cards,
rates, notifications, settings, merchants, GDPR data export and deletion, consents,
complaints; ``/api/health`` is served by ``app.health``) with Drop's envelope
(``{"data": ...}``; errors ``{"error": "code", "message": ..., "details": [...]}``, lower-case
codes), cookie sessions (``drop_token``: httpOnly, HS256, 24 h; ``Authorization: Bearer``
accepted), the ``X-Request-ID`` echo (app middleware) used as the idempotency id of the money
routes, and rate limits (10 req/min per IP on register/login/remittance/qr-payment, 120/min on
rates, 5 failed logins per IP and email in 15 min) with ``X-RateLimit-*`` headers.

Money: Drop holds none. Users' bank accounts live at the simulated open-banking banks
(``simulators/banks.py``: DNB, Nordea, SpareBank 1, Handelsbanken, Sbanken, NOK); a newly
registered user gets a linked primary account with 50,000.00 NOK. ``balance`` is the last
AISP read (refreshed by ``GET /api/auth/me``). Remittances and QR payments are PISP payments
posted on the shared ledger (see ``payments.py``); remittances settle through the bank
simulator (operation kind ``drop.remittance``, ``settlement.py``) and notify the user.

Feature flags (``drop_feature_flags``): ``cards``, ``physicalCards``, ``cardPin``,
``spendingLimits`` (off), ``notifications`` (on). Flip them with
``PUT /_sandbox/platforms/drop {"cards": true}``, ``sandbox.extras["drop_flags"].set({...})`` or
``app.platforms.drop.flags.set_flags``.

LIMITATIONS:
- Only NOK is sent; corridors are RS, BA, PL, PK, TR (recipient currency must be the country's).
- The template's generic parts (``/users`` admin CRUD, API keys, cursor pagination, list filter
  operators) are not served: they are not Drop routes.
- Merchant payouts are not executed; ``nextPayout`` is the merchant settlement balance.
- A user who never logged in to Drop (token from another platform) has no bank account until
  their first Drop login: money routes answer ``400 no_bank_account``.
- A remittance reversed by the bank (control API) shows as ``failed`` (Drop has no reversed status).
"""

from __future__ import annotations

from app.platforms.base import PlatformSpec
from app.platforms.drop.errors import error_response
from app.platforms.drop.install import install
from app.platforms.drop.routes import ROUTES

PATH_PREFIXES = (
    "/api/auth",
    "/api/transactions",
    "/api/recipients",
    "/api/cards",
    "/api/rates",
    "/api/notifications",
    "/api/settings",
    "/api/merchants",
    "/api/user",
    "/api/consents",
    "/api/complaints",
)

PLATFORM = PlatformSpec(
    name="drop",
    route_handlers=ROUTES,
    path_prefixes=PATH_PREFIXES,
    error_response=error_response,
)

__all__ = ["PLATFORM", "install"]
