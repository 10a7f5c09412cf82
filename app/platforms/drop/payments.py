"""Drop's money paths: remittances and QR payments as PISP payments from the user's bank account.

Drop holds no money. A remittance debits the bank account (principal to the ``suspense``
in-transit account, the 0.5% fee to ``fees``) in one journal, status ``processing``; the bank
simulator settles it later (``sandbox.simulators.operations``, kind ``drop.remittance``):
completion converts principal at the corridor rate (``fx`` accounts) out to the destination
``settlement``; failure refunds principal and fee to the bank account. A QR payment debits the
bank account (amount to the merchant's settlement account, 1% fee to ``fees``) and is
``completed`` at once.

Idempotency: the ledger key is ``drop:<type>:<user id>:<X-Request-ID>`` (or the new transaction
id without the header); the transaction row and its first rendered response are written in the
same savepoint (``on_posted``), so a retry returns the first response and posts nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from app.core.errors import IdempotencyMismatch
from app.core.events import Event
from app.core.identity.models import User
from app.core.ledger.models import Journal, Leg
from app.platforms.drop import corridors, render
from app.platforms.drop.notifications import notify_in
from app.platforms.drop.schemas import DropQrPayment, DropRemittance
from app.runtime import Sandbox
from simulators.banks import BankAccount, OpenBankingBanks
from simulators.operations import Plan

log = logging.getLogger("paysandbox.drop")

REMITTANCE_KIND = "drop.remittance"
NOK = corridors.SEND_CURRENCY


@dataclass(frozen=True, slots=True)
class Created:
    body: dict[str, Any]
    replayed: bool
    explain: str | None = None


def _summary(**fields: Any) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


async def replay(sandbox: Sandbox, request_key: str | None, summary: str) -> dict[str, Any] | None:
    """The first response of a repeated X-Request-ID; 409 when the request differs."""
    if request_key is None:
        return None
    row = sandbox.db.lookup(
        "SELECT request_summary, response FROM drop_transactions WHERE request_key = ?", (request_key,)
    )
    if row is None:
        return None
    first = json.loads(row["request_summary"] or "{}")
    now = json.loads(summary)
    differs = sorted(k for k in set(first) | set(now) if first.get(k) != now.get(k))
    if differs:
        raise IdempotencyMismatch("X-Request-ID reused with different parameters", differs=differs)
    body: dict[str, Any] = json.loads(row["response"])
    return body


async def _replayed_body(sandbox: Sandbox, journal: Journal) -> dict[str, Any]:
    row = await sandbox.db.fetchone("SELECT response FROM drop_transactions WHERE journal_id = ?", (journal.id,))
    if row is None:  # pragma: no cover - the row is written in the journal's savepoint
        raise RuntimeError(f"journal {journal.id} has no Drop transaction")
    body: dict[str, Any] = json.loads(row["response"])
    return body


async def create_remittance(
    sandbox: Sandbox,
    banks: OpenBankingBanks,
    user: User,
    recipient: Any,
    account: BankAccount,
    amount: int,
    request_id: str | None,
) -> Created:
    currency = recipient["currency"]
    country = recipient["country"]
    request_key = f"remittance:{user.id}:{request_id}" if request_id else None
    summary = _summary(amount=amount, recipientId=recipient["id"], bankAccountId=account.public_id)
    first = await replay(sandbox, request_key, summary)
    if first is not None:
        await start_settlement(sandbox, str(first["id"]))
        return Created(first, True)
    fx = await corridors.rate(sandbox, currency)
    fee, fee_rate = await corridors.fee_of(sandbox, "remittance", amount)
    receive = corridors.receive_amount(amount, currency, fx.rate)
    now = sandbox.clock.time()
    tx_id = render.new_id("tx_rem")
    body = msgspec.to_builtins(
        DropRemittance(
            id=tx_id,
            type="remittance",
            status="processing",
            send_amount=render.amount(amount, NOK),
            send_currency=NOK,
            receive_amount=render.amount(receive, currency),
            receive_currency=currency,
            exchange_rate=render.rate(fx.rate),
            fee=render.amount(fee, NOK),
            fee_percent=render.percent(fee_rate),
            total=render.amount(amount + fee, NOK),
            recipient_name=recipient["name"],
            recipient_country=render.country_name(country),
            from_account=account.bank_name,
            eta=corridors.eta_for(country),
            created_at=render.iso(now),
        )
    )
    suspense = await sandbox.ledger.system_account("suspense", NOK)
    fees = await sandbox.ledger.system_account("fees", NOK)
    legs = [
        Leg(account.ledger_account_id, suspense.id, amount, "principal", f"Remittance {tx_id} to {recipient['name']}")
    ]
    if fee > 0:
        legs.append(Leg(account.ledger_account_id, fees.id, fee, "fee", f"Drop remittance fee {tx_id}"))

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO drop_transactions (id, user_id, type, status, amount, currency, fee, receive_amount, "
            "receive_currency, exchange_rate, recipient_id, recipient_name, recipient_country, bank_account_id, "
            "bank_name, journal_id, request_key, request_summary, response, created_at, updated_at) "
            "VALUES (?, ?, 'remittance', 'processing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tx_id,
                user.id,
                amount,
                NOK,
                fee,
                receive,
                currency,
                str(fx.rate),
                recipient["id"],
                recipient["name"],
                country,
                account.id,
                account.bank_name,
                journal.id,
                request_key,
                summary,
                json.dumps(body),
                now,
                now,
            ),
        )

    journal = await banks.initiate_payment(
        account,
        legs,
        description=f"Drop remittance {tx_id}",
        idempotency_key=f"drop:{request_key or tx_id}",
        metadata={"drop_tx": tx_id, "type": "remittance"},
        on_posted=on_posted,
    )
    if journal.replayed:
        replayed = await _replayed_body(sandbox, journal)
        await start_settlement(sandbox, str(replayed["id"]))
        return Created(replayed, True)
    plan = await start_settlement(sandbox, tx_id)
    return Created(body, False, plan.explain if plan is not None else None)


async def create_qr_payment(
    sandbox: Sandbox,
    banks: OpenBankingBanks,
    user: User,
    merchant: Any,
    account: BankAccount,
    amount: int,
    request_id: str | None,
) -> Created:
    request_key = f"qr:{user.id}:{request_id}" if request_id else None
    summary = _summary(amount=amount, merchantId=merchant["id"])
    first = await replay(sandbox, request_key, summary)
    if first is not None:
        return Created(first, True)
    fee, fee_rate = await corridors.fee_of(sandbox, "qr_payment", amount)
    now = sandbox.clock.time()
    tx_id = render.new_id("tx_qr")
    body = msgspec.to_builtins(
        DropQrPayment(
            id=tx_id,
            type="qr_payment",
            status="completed",
            amount=render.amount(amount, NOK),
            currency=NOK,
            fee=render.amount(fee, NOK),
            fee_percent=render.percent(fee_rate),
            merchant_name=merchant["business_name"],
            merchant_id=merchant["id"],
            from_account=account.bank_name,
            created_at=render.iso(now),
        )
    )
    fees = await sandbox.ledger.system_account("fees", NOK)
    legs = [
        Leg(
            account.ledger_account_id,
            int(merchant["ledger_account_id"]),
            amount,
            "principal",
            f"QR payment {tx_id} to {merchant['business_name']}",
        )
    ]
    if fee > 0:
        legs.append(Leg(account.ledger_account_id, fees.id, fee, "fee", f"Drop QR payment fee {tx_id}"))
    customer = render.anonymise(user.first_name, user.last_name)
    # Logged with the payment in its write job; delivered to subscribers after the commit.
    completed = Event("transaction.completed", body, user.id, "drop")

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO drop_transactions (id, user_id, type, status, amount, currency, fee, merchant_id, "
            "merchant_name, customer_name, bank_account_id, bank_name, journal_id, request_key, request_summary, "
            "response, created_at, updated_at, completed_at) "
            "VALUES (?, ?, 'qr_payment', 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tx_id,
                user.id,
                amount,
                NOK,
                fee,
                merchant["id"],
                merchant["business_name"],
                customer,
                account.id,
                account.bank_name,
                journal.id,
                request_key,
                summary,
                json.dumps(body),
                now,
                now,
                now,
            ),
        )
        notify_in(
            conn,
            now,
            int(merchant["user_id"]),
            "payment_received",
            "Payment received",
            f"{customer} paid {render.amount(amount, NOK):.2f} NOK",
            tx_id,
        )
        sandbox.events.record_in(conn, completed)

    journal = await banks.initiate_payment(
        account,
        legs,
        description=f"Drop QR payment {tx_id}",
        idempotency_key=f"drop:{request_key or tx_id}",
        metadata={"drop_tx": tx_id, "type": "qr_payment", "merchant": merchant["id"]},
        on_posted=on_posted,
    )
    if journal.replayed:
        return Created(await _replayed_body(sandbox, journal), True)
    await sandbox.events.dispatch(completed)
    return Created(body, False)


# -- settlement of remittances by the bank simulator ------------------------------------------------


async def start_settlement(sandbox: Sandbox, tx_id: str) -> Plan | None:
    """Hand a processing remittance to its bank simulator (idempotent: the operation ref is the tx id)."""
    row = await sandbox.db.fetchone(
        "SELECT t.*, r.bank_account AS destination, b.bank AS bank FROM drop_transactions t "
        "JOIN ob_bank_accounts b ON b.id = t.bank_account_id "
        "LEFT JOIN drop_recipients r ON r.id = t.recipient_id WHERE t.id = ?",
        (tx_id,),
    )
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
    rows = await sandbox.db.fetchall(
        "SELECT id FROM drop_transactions WHERE type = 'remittance' AND status = 'processing'"
    )
    started = 0
    for row in rows:
        if await sandbox.simulators.operations.get(row["id"]) is None:
            await start_settlement(sandbox, row["id"])
            started += 1
    return started


async def settle_remittance(sandbox: Sandbox, tx_id: str, status: str, error_message: str | None) -> None:
    """Post the outcome of a remittance (idempotent: key ``op:<tx id>:<status>``) and notify the user."""
    row = await sandbox.db.fetchone("SELECT * FROM drop_transactions WHERE id = ?", (tx_id,))
    if row is None:
        log.warning("settlement for unknown Drop remittance %s", tx_id)
        return
    banks: OpenBankingBanks = sandbox.extras["banks"]
    account = await banks.get(int(row["bank_account_id"]))
    if account is None:  # pragma: no cover - bank accounts are never deleted
        return
    amount, fee, receive = int(row["amount"]), int(row["fee"]), int(row["receive_amount"])
    receive_currency = row["receive_currency"]
    ledger = sandbox.ledger
    suspense = await ledger.system_account("suspense", NOK)
    fees = await ledger.system_account("fees", NOK)
    fx_nok = await ledger.system_account("fx", NOK)
    fx_out = await ledger.system_account("fx", receive_currency)
    payout = await ledger.system_account("settlement", receive_currency)
    bank = account.ledger_account_id
    refund_fee = [Leg(fees.id, bank, fee, "fee", f"Fee refund {tx_id}")] if fee > 0 else []
    if status == "completed":
        journal_type = "TRANSACTION_TYPE_CONVERSION"
        legs = [
            Leg(suspense.id, fx_nok.id, amount, "fx", f"Remittance {tx_id} NOK leg"),
            Leg(fx_out.id, payout.id, receive, "principal", f"Remittance {tx_id} payout"),
        ]
        new_status, reason = "completed", None
        title, message = "Remittance completed", f"Your transfer to {row['recipient_name']} has been delivered"
    elif status == "failed":
        journal_type = "TRANSACTION_TYPE_REFUND"
        legs = [Leg(suspense.id, bank, amount, "principal", f"Refund {tx_id}"), *refund_fee]
        new_status, reason = "failed", error_message or "Payment failed"
        title, message = "Remittance failed", f"Your transfer to {row['recipient_name']} failed: {reason}"
    elif status == "reversed":
        journal_type = "TRANSACTION_TYPE_REVERSAL"
        legs = [
            Leg(payout.id, fx_out.id, receive, "principal", f"Reversal {tx_id} payout"),
            Leg(fx_nok.id, bank, amount, "fx", f"Reversal {tx_id} NOK leg"),
            *refund_fee,
        ]
        new_status, reason = "failed", error_message or "Reversed by the bank"
        title, message = "Remittance reversed", f"Your transfer to {row['recipient_name']} was reversed"
    else:
        return
    now = sandbox.clock.time()

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "UPDATE drop_transactions SET status = ?, failure_reason = ?, updated_at = ?, "
            "completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END WHERE id = ?",
            (new_status, reason, now, new_status, now, tx_id),
        )
        notify_in(conn, now, int(row["user_id"]), f"remittance_{status}", title, message, tx_id)

    journal = await ledger.post(
        journal_type,
        legs,
        description=f"Drop remittance {tx_id} {status}",
        idempotency_key=f"op:{tx_id}:{status}",
        metadata={"drop_tx": tx_id},
        on_posted=on_posted,
    )
    if not journal.replayed:
        updated = await sandbox.db.fetchone("SELECT * FROM drop_transactions WHERE id = ?", (tx_id,))
        if updated is not None:
            event = "transaction.completed" if new_status == "completed" else "transaction.failed"
            data = msgspec.to_builtins(render.tx_detail(updated))
            await sandbox.events.publish(Event(event, data, int(row["user_id"]), "drop"))
