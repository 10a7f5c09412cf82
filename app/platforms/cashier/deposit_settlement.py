"""A deposit's settlement by the partner simulator, its expiry and its reversal.

Completion posts partner float -> user wallet with the deposit fee to the platform fee account
(idempotency key ``op:<ref>:completed``) and pushes ``deposit_completed`` and
``transaction_completed``; failure or expiry pushes ``deposit_failed`` and ``transaction_failed``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from app.core.errors import DomainError
from app.core.events import Event
from app.core.ledger.models import Leg
from app.core.scheduler import Job
from app.platforms.cashier import render, store
from app.platforms.cashier.errors import CashierError
from app.platforms.cashier.settlement import (
    partner_float_id,
    post_reversal,
    publish_transaction_completed,
    publish_transaction_failed,
)

log = logging.getLogger("paysandbox.cashier")

KIND = "cashier.deposit"
EXPIRE_JOB = "cashier.deposit_expire"
PENDING = "sent_to_partner"


async def cancel_operation(sandbox: Any, ref: str, reason: str) -> None:
    """Tell the partner simulator the request is withdrawn (no settlement will run)."""
    try:
        await sandbox.simulators.operations.cancel(ref, reason=reason)
    except DomainError:
        pass  # already settling or settled: the settle handler sees a non-pending row and does nothing


async def settle_deposit(sandbox: Any, op: Any, outcome: Any) -> None:
    ref = op.ref
    row = await store.get(sandbox.db, store.DEPOSITS, ref)
    status = getattr(outcome, "status", "failed")
    if row is not None and status == "reversed" and row["status"] == "completed":
        await reverse_deposit(sandbox, row, getattr(outcome, "error_message", None) or "Deposit reversed by partner")
        return
    if row is None or row["status"] != PENDING:
        return
    if status == "completed":
        try:
            await _complete_deposit(sandbox, row)
            return
        except CashierError:
            return  # no longer pending (cancelled or expired meanwhile): nothing moved
        except DomainError as exc:
            log.warning("deposit %s could not be posted: %s", ref, exc.message)
            await fail_deposit(sandbox, row, "Partner settlement failed")
            return
    await fail_deposit(sandbox, row, getattr(outcome, "error_message", None) or "Deposit failed")


async def _complete_deposit(sandbox: Any, row: dict[str, Any]) -> None:
    ledger = sandbox.ledger
    ref, currency, amount, fee = row["request_ref"], row["currency"], row["amount"], row["fee"]
    float_id = await partner_float_id(sandbox, row["partner_id"], currency)
    wallet = await ledger.open_account("user", row["user_id"], currency)
    legs = [
        Leg(
            float_id,
            wallet.id,
            amount - fee,
            description=f"Deposit {ref}",
            debit_description="Deposit to user",
            credit_description="Deposit received",
        )
    ]
    if fee > 0:
        fees = await ledger.system_account("fees", currency)
        legs.append(Leg(float_id, fees.id, fee, kind="fee", description=f"Deposit fee {ref}"))
    now = sandbox.clock.time()
    journal = await ledger.post(
        "TRANSACTION_TYPE_DEPOSIT",
        legs,
        description=f"Deposit from {row['partner_name']}",
        idempotency_key=f"op:{ref}:completed",
        metadata={"platform": "cashier", "request_ref": ref},
        on_posted=_recorder(ref, now),
    )
    await sandbox.scheduler.cancel(f"{ref}:expire")
    if journal.replayed:
        return
    user_entries = journal.entries_of(wallet.id)
    balance_after = user_entries[-1].balance_after if user_entries else wallet.balance
    stamp = int(now)
    await sandbox.events.publish(
        Event(
            "deposit_completed",
            render.deposit_completed(row, journal, balance_after, stamp),
            user_id=row["user_id"],
            platform="cashier",
        )
    )
    await publish_transaction_completed(
        sandbox,
        row["user_id"],
        journal,
        kind="deposit",
        amount=amount,
        currency=currency,
        balance_after=balance_after,
        fee=fee,
        stamp=stamp,
    )


def _recorder(ref: str, now: float) -> Callable[[sqlite3.Connection, Any], None]:
    """The ``on_posted`` step of the deposit's journal: the request ``completed`` with it, in its savepoint."""

    def record(conn: sqlite3.Connection, journal: Any) -> None:
        values = {
            "status": "completed",
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "completed_at": now,
            "updated_at": now,
        }
        if not store.update_if_in(conn, store.DEPOSITS, ref, PENDING, values):
            raise CashierError("deposit no longer pending")

    return record


async def reverse_deposit(sandbox: Any, row: dict[str, Any], reason: str) -> None:
    """The partner reversed a completed deposit: wallet and fee account pay the partner float back.

    Raises InsufficientFunds when the user has spent the money (the operation stays completed).
    """
    ledger = sandbox.ledger
    ref, currency, amount, fee = row["request_ref"], row["currency"], row["amount"], row["fee"]
    float_id = await partner_float_id(sandbox, row["partner_id"], currency)
    wallet = await ledger.open_account("user", row["user_id"], currency)
    legs = [Leg(wallet.id, float_id, amount - fee, description=f"Reversal of deposit {ref}")]
    if fee > 0:
        fees = await ledger.system_account("fees", currency)
        legs.append(Leg(fees.id, float_id, fee, kind="fee", description=f"Reversal of deposit fee {ref}"))
    await post_reversal(
        sandbox,
        row,
        store.DEPOSITS,
        legs,
        wallet_id=wallet.id,
        description=f"Reversal of deposit {ref}",
        reason=reason,
        not_completed="deposit is not completed",
    )


async def fail_deposit(sandbox: Any, row: dict[str, Any], reason: str, *, status: str = "failed") -> None:
    ref, currency, amount = row["request_ref"], row["currency"], row["amount"]
    now = sandbox.clock.time()
    changed = await sandbox.db.write(
        lambda c: store.update_if_in(
            c, store.DEPOSITS, ref, PENDING, {"status": status, "error_message": reason, "updated_at": now}
        )
    )
    if not changed:
        return
    if status == "expired":
        await cancel_operation(sandbox, ref, reason)
    else:
        await sandbox.scheduler.cancel(f"{ref}:expire")
    stamp = int(now)
    await sandbox.events.publish(
        Event(
            "deposit_failed",
            {
                "transaction_ref": ref,
                "amount": render.amount(amount, currency),
                "currency": currency,
                "error_message": reason,
                "failed_at": stamp,
                "timestamp": stamp,
            },
            user_id=row["user_id"],
            platform="cashier",
        )
    )
    await publish_transaction_failed(
        sandbox, row["user_id"], ref=ref, kind="deposit", amount=amount, currency=currency, reason=reason, stamp=stamp
    )


async def expire_deposit(sandbox: Any, job: Job) -> None:
    row = await store.get(sandbox.db, store.DEPOSITS, str(job.payload.get("request_ref", "")))
    if row is not None and row["status"] == PENDING:
        await fail_deposit(sandbox, row, "Deposit request expired", status="expired")
