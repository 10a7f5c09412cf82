"""Settlement of remittances by the bank simulator (``sandbox.simulators.operations``, kind ``drop.remittance``).

Completion converts principal at the corridor rate (``fx`` accounts) out to the destination
``settlement`` account; failure refunds principal and fee to the bank account; a reversal by the
bank (control API) takes the payout back and refunds principal and fee. Each outcome is one
journal (idempotency key ``op:<tx id>:<status>``) with the transaction's new status and the
user's notification in its savepoint; the event is published after the commit.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from app.core.events import Event
from app.core.ledger.models import Journal, Leg
from app.platforms.drop import render
from app.platforms.drop.corridors import SEND_CURRENCY as NOK
from app.platforms.drop.notifications import notify_in
from app.platforms.drop.store import transactions as store
from app.runtime import Sandbox
from simulators.banks import OpenBankingBanks
from simulators.operations import Plan

log = logging.getLogger("paysandbox.drop")

REMITTANCE_KIND = "drop.remittance"


async def start_settlement(sandbox: Sandbox, tx_id: str) -> Plan | None:
    """Hand a processing remittance to its bank simulator (idempotent: the operation ref is the tx id)."""
    row = await store.remittance_to_settle(sandbox.db, tx_id)
    if row is None or row["type"] != "remittance" or row["status"] != "processing":
        return None
    plan: Plan = await sandbox.simulators.operations.start(
        REMITTANCE_KIND,
        tx_id,
        simulator=f"bank:{row['bank']}",
        user_id=int(row["user_id"]),
        amount=int(row["amount"]),
        currency=row["currency"],
        inputs={"amount": int(row["amount"]), "destination": row["destination"], "country": row["recipient_country"]},
        payload={"tx_id": tx_id},
    )
    return plan


async def resume_settlements(sandbox: Sandbox) -> int:
    """At start: every processing remittance without an operation (a crash in between) gets one."""
    rows = await store.processing_remittances(sandbox.db)
    started = 0
    for row in rows:
        if await sandbox.simulators.operations.get(row["id"]) is None:
            await start_settlement(sandbox, row["id"])
            started += 1
    return started


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What an outcome of the bank posts and writes."""

    journal_type: str
    legs: list[Leg]
    status: str  # the transaction's new status
    reason: str | None
    title: str
    message: str


@dataclass(frozen=True, slots=True)
class _Accounts:
    """The ledger accounts a remittance's settlement moves money between."""

    bank: int  # the user's bank account
    suspense: int
    fees: int
    fx_nok: int
    fx_out: int
    payout: int


async def _accounts(sandbox: Sandbox, bank: int, receive_currency: str) -> _Accounts:
    ledger = sandbox.ledger
    suspense = await ledger.system_account("suspense", NOK)
    fees = await ledger.system_account("fees", NOK)
    fx_nok = await ledger.system_account("fx", NOK)
    fx_out = await ledger.system_account("fx", receive_currency)
    payout = await ledger.system_account("settlement", receive_currency)
    return _Accounts(bank, suspense.id, fees.id, fx_nok.id, fx_out.id, payout.id)


def _outcome(row: Any, status: str, error_message: str | None, to: _Accounts) -> _Outcome | None:
    """The journal and the new status of a remittance for the bank's ``status``; None for an unknown one."""
    tx_id, name = row["id"], row["recipient_name"]
    amount, fee, receive = int(row["amount"]), int(row["fee"]), int(row["receive_amount"])
    refund_fee = [Leg(to.fees, to.bank, fee, "fee", f"Fee refund {tx_id}")] if fee > 0 else []
    if status == "completed":
        legs = [
            Leg(to.suspense, to.fx_nok, amount, "fx", f"Remittance {tx_id} NOK leg"),
            Leg(to.fx_out, to.payout, receive, "principal", f"Remittance {tx_id} payout"),
        ]
        message = f"Your transfer to {name} has been delivered"
        return _Outcome("TRANSACTION_TYPE_CONVERSION", legs, "completed", None, "Remittance completed", message)
    if status == "failed":
        legs = [Leg(to.suspense, to.bank, amount, "principal", f"Refund {tx_id}"), *refund_fee]
        reason = error_message or "Payment failed"
        message = f"Your transfer to {name} failed: {reason}"
        return _Outcome("TRANSACTION_TYPE_REFUND", legs, "failed", reason, "Remittance failed", message)
    if status == "reversed":
        legs = [
            Leg(to.payout, to.fx_out, receive, "principal", f"Reversal {tx_id} payout"),
            Leg(to.fx_nok, to.bank, amount, "fx", f"Reversal {tx_id} NOK leg"),
            *refund_fee,
        ]
        reason = error_message or "Reversed by the bank"
        message = f"Your transfer to {name} was reversed"
        return _Outcome("TRANSACTION_TYPE_REVERSAL", legs, "failed", reason, "Remittance reversed", message)
    return None


async def settle_remittance(sandbox: Sandbox, tx_id: str, status: str, error_message: str | None) -> None:
    """Post the outcome of a remittance (idempotent: key ``op:<tx id>:<status>``) and notify the user."""
    row = await store.transaction_by_id(sandbox.db, tx_id)
    if row is None:
        log.warning("settlement for unknown Drop remittance %s", tx_id)
        return
    banks: OpenBankingBanks = sandbox.extras["banks"]
    account = await banks.get(int(row["bank_account_id"]))
    if account is None:  # pragma: no cover - bank accounts are never deleted
        return
    accounts = await _accounts(sandbox, account.ledger_account_id, row["receive_currency"])
    outcome = _outcome(row, status, error_message, accounts)
    if outcome is None:
        return
    now = sandbox.clock.time()
    user_id = int(row["user_id"])

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        store.set_outcome_in(conn, tx_id, outcome.status, outcome.reason, now)
        notify_in(conn, now, user_id, f"remittance_{status}", outcome.title, outcome.message, tx_id)

    journal = await sandbox.ledger.post(
        outcome.journal_type,
        outcome.legs,
        description=f"Drop remittance {tx_id} {status}",
        idempotency_key=f"op:{tx_id}:{status}",
        metadata={"drop_tx": tx_id},
        on_posted=on_posted,
    )
    if not journal.replayed:
        updated = await store.transaction_by_id(sandbox.db, tx_id)
        if updated is not None:
            event = "transaction.completed" if outcome.status == "completed" else "transaction.failed"
            data = msgspec.to_builtins(render.tx_detail(updated))
            await sandbox.events.publish(Event(event, data, user_id, "drop"))
