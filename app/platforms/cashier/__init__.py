"""Cashier: the WebSocket contract (shared/contracts/cashier-websocket.md) at ``/cashier/svc/ws``.

Implemented: the connection (JWT from ``Authorization: Bearer`` or ``?token=``, the
``connected`` greeting, close code 4401 for a bad token), the ``{"type","data","timestamp"}``
envelope with the documented success phrases and error messages, all 19 request types
(verification_request, verify_otp, verify_totp, get_partners, get_accounts,
get_account_balance, get_owner_summary, deposit_request, get_deposit_status, cancel_deposit,
withdraw_request, transfer, convert_and_transfer, get_history, get_transaction_by_receipt,
get_account_statement, get_owner_statement, get_ledgers, calculate_fee) and the 7 pushes
(deposit_completed, deposit_failed, withdrawal_completed, withdrawal_failed,
transfer_completed, transaction_completed, transaction_failed) to every open socket of the
user, driven by the partner/agent simulators on the sandbox clock. Accounts are the user's
shared ledger wallets; withdrawals hold funds while processing; 100 requests/min per user.

LIMITATIONS:
- Keep-alive pings are WebSocket protocol pings sent by uvicorn (``ws_ping_interval`` /
  ``ws_ping_timeout`` from the settings ``ws_ping_interval`` / ``ws_ping_timeout``, 54 s / 6 s by
  default), not application messages; they run on wall-clock time. An
  application-level ``{"type": "ping"}`` is answered with ``{"type": "pong"}`` (not documented).
- ``transaction_failed`` for a deposit or withdrawal that never posted has ``receipt_code`` and
  ``transaction_id`` null, and adds ``transaction_ref`` (the request reference).
- ``get_transaction_by_receipt`` shows another user's ``balance_after`` as null.
- A token that expires or is revoked while the socket is open ends the connection (error
  ``unauthorized``, close 4401) at the next request, not at once.
- Undocumented extensions: an optional ``idempotency_key`` on transfer / convert_and_transfer,
  an optional ``to_user_id`` on convert_and_transfer, ``currency`` on statement items.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from app.platforms.base import PlatformSpec
from app.platforms.cashier.connections import registry_of
from app.platforms.cashier.errors import error_response
from app.platforms.cashier.frame_contract import frame_problem
from app.platforms.cashier.routes.socket import cashier_socket

if TYPE_CHECKING:
    from app.runtime import Sandbox

PLATFORM = PlatformSpec(
    name="cashier",
    route_handlers=[cashier_socket],
    path_prefixes=("/cashier",),
    error_response=error_response,
    frame_contract=frame_problem,
)


def install(sandbox: Sandbox) -> None:
    """Open-socket registry on the event bus, deposit/withdrawal settlement, deposit expiry."""
    from app.platforms.cashier import fixtures, provisioning
    from app.platforms.cashier.deposit_settlement import EXPIRE_JOB, expire_deposit, settle_deposit
    from app.platforms.cashier.deposit_settlement import KIND as DEPOSIT_KIND
    from app.platforms.cashier.store import recompute_receipts_in
    from app.platforms.cashier.withdrawal_settlement import KIND as WITHDRAWAL_KIND
    from app.platforms.cashier.withdrawal_settlement import settle_withdrawal

    registry_of(sandbox)
    provisioning.install(sandbox)  # the wallet money on demand credits
    fixtures.install(sandbox)  # cashier_deposits, cashier_withdrawals in fixture documents
    sandbox.rebase_steps.append(recompute_receipts_in)
    sandbox.scheduler.register(EXPIRE_JOB, partial(expire_deposit, sandbox))
    simulators = getattr(sandbox, "simulators", None)
    if simulators is not None:
        simulators.operations.register(DEPOSIT_KIND, partial(settle_deposit, sandbox))
        simulators.operations.register(WITHDRAWAL_KIND, partial(settle_withdrawal, sandbox))
