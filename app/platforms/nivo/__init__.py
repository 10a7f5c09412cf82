"""Nivo (gateway REST): the contract of shared/contracts/nivo-flows.md at its gateway paths.

Served: ``/api/v1/identity/...`` (register, login incl. ``account_type: "user_admin"``, password
change, User-Admin pending verifications, OTP verify), ``/api/v1/wallet/...`` (wallets: create,
list, get, activate, balance, freeze/unfreeze; UPI deposit + its status; virtual cards;
beneficiaries) and ``/api/v1/transaction/...`` (deposit, withdrawal, transfer, get transaction,
category, categories list, spending summary, CSV and PDF statements). Envelope
``{"success": true, "data": ...}`` / ``{"success": false, "error": {"code", "message"}}``, amounts
of wallets and transactions as decimal strings, ids as UUIDs (verification ids are the identity
service's ``ver_...``). Balances are ledger accounts; every movement is one idempotent ledger
posting. Details and every choice where the document is silent: docs/platforms/nivo.md.

LIMITATIONS:
- One Nivo wallet per user and currency (the ledger keeps one user wallet account per currency);
  a second one answers 409 CONFLICT.
- INSUFFICIENT_FUNDS answers 412 (the code table), not the 400 of Flow 5's diagram.
- Only the gateway paths are served, not the per-service ports/paths behind the gateway.
- Virtual cards are issued and managed, but no card-payment route exists (the document has none),
  so card limits are enforced when set (against the wallet's limits), not on spending.
- Deposits complete at once (no payment instrument); UPI deposits go through the UPI simulator.
- No refresh token or logout route (the document shows none); tokens live 24 h.
"""

from __future__ import annotations

from app.platforms.base import PlatformSpec
from app.platforms.nivo import fixtures, provisioning
from app.platforms.nivo.errors import error_response
from app.platforms.nivo.routes import ROUTERS
from app.platforms.nivo.upi import KIND as UPI_DEPOSIT_KIND
from app.platforms.nivo.upi import settle_upi_deposit
from app.runtime import Sandbox
from simulators.operations import Operation, Outcome

PLATFORM = PlatformSpec(
    name="nivo",
    route_handlers=ROUTERS,
    path_prefixes=("/api/v1/identity", "/api/v1/wallet", "/api/v1/transaction"),
    error_response=error_response,
)


def install(sandbox: Sandbox) -> None:
    """Register the settlement of UPI deposits with the operations simulator."""

    async def settle(op: Operation, outcome: Outcome) -> None:
        await settle_upi_deposit(sandbox, op, outcome)

    sandbox.simulators.operations.register(UPI_DEPOSIT_KIND, settle)
    provisioning.install(sandbox)  # the wallet money on demand credits
    fixtures.install(sandbox)  # nivo_beneficiaries, nivo_upi_deposits in fixture documents
