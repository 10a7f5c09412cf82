"""A withdrawal's settlement by the partner or agent simulator, and its reversal.

Completion posts the hold: the amount to the partner's float or the agent's account, the fee to
the platform, and for agents the commission from the platform's commission pool to the agent's
commission account
(idempotency key ``op:<ref>:completed``). Failure voids the hold. Pushes:
``withdrawal_completed`` / ``withdrawal_failed`` and ``transaction_completed`` / ``transaction_failed``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from app.core.errors import DomainError
from app.core.events import Event
from app.core.ledger.holds import void_hold_in
from app.core.ledger.models import Leg
from app.platforms.cashier import render, store
from app.platforms.cashier.errors import CashierError
from app.platforms.cashier.session import settled
from app.platforms.cashier.settlement import (
    partner_float_id,
    post_reversal,
    publish_transaction_completed,
    publish_transaction_failed,
)
from app.platforms.cashier.wallets import owner_account_id

log = logging.getLogger("paysandbox.cashier")

KIND = "cashier.withdrawal"
PENDING = "processing"


async def settle_withdrawal(sandbox: Any, op: Any, outcome: Any) -> None:
    row = await store.get(sandbox.db, store.WITHDRAWALS, op.ref)
    if row is not None and getattr(outcome, "status", "") == "reversed" and row["status"] == "completed":
        await reverse_withdrawal(sandbox, row, getattr(outcome, "error_message", None) or "Withdrawal reversed")
        return
    if row is None or row["status"] != PENDING:
        return
    if getattr(outcome, "status", "failed") == "completed":
        try:
            await _complete(sandbox, row)
            return
        except CashierError:
            return  # already settled
        except DomainError as exc:
            log.warning("withdrawal %s could not be posted: %s", op.ref, exc.message)
            await fail_withdrawal(sandbox, row, "Withdrawal could not be completed")
            return
    await fail_withdrawal(sandbox, row, getattr(outcome, "error_message", None) or "Withdrawal failed")


async def _complete(sandbox: Any, row: dict[str, Any]) -> None:
    ledger = sandbox.ledger
    ref, currency, amount, fee = row["request_ref"], row["currency"], row["amount"], row["fee"]
    wallet_id = row["account_id"]
    commission = int(row["agent_commission"] or 0)
    fees = await ledger.system_account("fees", currency)
    agent, payee_id, principal = await _payee(sandbox, row, currency)
    legs = [
        Leg(
            wallet_id,
            payee_id,
            amount,
            description=principal,
            debit_description="Withdrawal",
            credit_description=f"Withdrawal {ref}",
        ),
    ]
    if fee > 0:
        legs.append(Leg(wallet_id, fees.id, fee, kind="fee", description=f"Withdrawal fee {ref}"))
    if commission > 0:
        pool = await ledger.system_account("commission", currency)  # the platform's agent commission pool
        commission_id = _commission_account_id(agent, currency) or payee_id
        legs.append(Leg(pool.id, commission_id, commission, kind="commission", description=f"Agent commission {ref}"))
    now = sandbox.clock.time()
    journal = await ledger.post_hold(
        row["hold_id"],
        "TRANSACTION_TYPE_WITHDRAWAL",
        legs,
        description=f"Withdrawal to {row['destination']}",
        idempotency_key=f"op:{ref}:completed",
        metadata={"platform": "cashier", "request_ref": ref},
        on_posted=_recorder(ref, wallet_id, now),
    )
    if journal.replayed:
        return
    balance_after = int(journal.extra or 0)
    user_id = row["user_id"]
    data = render.withdrawal_completed(row, journal, balance_after)
    await sandbox.events.publish(Event("withdrawal_completed", data, user_id=user_id, platform="cashier"))
    await publish_transaction_completed(
        sandbox,
        user_id,
        journal,
        kind="withdrawal",
        amount=amount,
        currency=currency,
        balance_after=balance_after,
        fee=fee,
        stamp=int(now),
    )


async def _payee(sandbox: Any, row: dict[str, Any], currency: str) -> tuple[Any, int, str]:
    """Who the withdrawal pays (the agent, or the partner's float; else settlement) and the principal's wording.

    Also the agent (None for a direct withdrawal or an agent no longer known).
    """
    ledger = sandbox.ledger
    if row["withdrawal_type"] != "agent_assisted":
        if row["partner_id"]:
            payee_id = await partner_float_id(sandbox, row["partner_id"], currency)
        else:
            payee_id = (await ledger.system_account("settlement", currency)).id
        return None, payee_id, f"Withdrawal to {row['destination']}"
    agent = await settled(sandbox.simulators.agents.get(row["agent_id"])) if row["agent_id"] else None
    found = owner_account_id(agent, currency) if agent is not None else None
    if found is None and row["agent_account"]:
        agent_acc = await ledger.get_account_by_number(row["agent_account"])
        found = agent_acc.id if agent_acc is not None else None
    if found is None:
        found = (await ledger.system_account("settlement", currency)).id
    return agent, found, f"Withdrawal via agent {row['agent_name']}"


def _recorder(ref: str, wallet_id: int, now: float) -> Callable[[sqlite3.Connection, Any], int]:
    """The ``on_posted`` step of the withdrawal's journal: the request ``completed`` with it, in its savepoint.

    Returns the wallet's balance after the journal (the journal's ``extra``).
    """

    def record(conn: sqlite3.Connection, journal: Any) -> int:
        entries = journal.entries_of(wallet_id)
        balance_after = entries[-1].balance_after if entries else None
        values = {
            "status": "completed",
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "balance_after": balance_after,
            "completed_at": now,
            "updated_at": now,
        }
        if not store.update_if_in(conn, store.WITHDRAWALS, ref, PENDING, values):
            raise CashierError("withdrawal no longer pending")
        return int(balance_after or 0)

    return record


async def reverse_withdrawal(sandbox: Any, row: dict[str, Any], reason: str) -> None:
    """The partner or agent sent a completed withdrawal back: every leg of it is undone."""
    ledger = sandbox.ledger
    ref = row["request_ref"]
    original = await ledger.journal(row["journal_id"])
    if original is None:
        return
    legs: list[Leg] = []
    for debit, credit in zip(original.entries[0::2], original.entries[1::2], strict=True):
        legs.append(
            Leg(credit.account_id, debit.account_id, debit.amount, kind=debit.kind, description=f"Reversal {ref}")
        )
    await post_reversal(
        sandbox,
        row,
        store.WITHDRAWALS,
        legs,
        wallet_id=row["account_id"],
        description=f"Reversal of withdrawal {ref}",
        reason=reason,
        not_completed="withdrawal is not completed",
    )


def _commission_account_id(agent: Any, currency: str) -> int | None:
    accounts = getattr(agent, "commission_accounts", None)
    if isinstance(accounts, dict) and currency in accounts:
        return int(accounts[currency])
    return None


async def release(sandbox: Any, row: dict[str, Any], reason: str) -> bool:
    """Void the hold and mark the request failed, in one savepoint; False when already settled."""
    ref = row["request_ref"]
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> bool:
        values = {"status": "failed", "error_message": reason, "completed_at": now, "updated_at": now}
        if not store.update_if_in(conn, store.WITHDRAWALS, ref, PENDING, values):
            return False
        if row["hold_id"] is not None:
            void_hold_in(conn, now, row["hold_id"], reason=reason)
        return True

    return bool(await sandbox.db.write(run))


async def fail_withdrawal(sandbox: Any, row: dict[str, Any], reason: str) -> None:
    if not await release(sandbox, row, reason):
        return
    stamp = int(sandbox.clock.time())
    ref, currency = row["request_ref"], row["currency"]
    user_id = row["user_id"]
    await sandbox.events.publish(
        Event("withdrawal_failed", {"request_ref": ref, "error": reason}, user_id=user_id, platform="cashier")
    )
    await publish_transaction_failed(
        sandbox,
        user_id,
        ref=ref,
        kind="withdrawal",
        amount=row["amount"],
        currency=currency,
        reason=reason,
        stamp=stamp,
    )
