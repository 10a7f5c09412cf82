"""Drop's money paths: remittances and QR payments as PISP payments from the user's bank account.

Drop holds no money. A remittance debits the bank account (principal to the ``suspense``
in-transit account, the 0.5% fee to ``fees``) in one journal, status ``processing``; the bank
simulator settles it later (``settlement.py``). A QR payment debits the bank account (amount to
the merchant's settlement account, 1% fee to ``fees``) and is ``completed`` at once.

Idempotency: the ledger key is ``drop:<type>:<user id>:<X-Request-ID>`` (or the new transaction
id without the header); the transaction row and its first rendered response are written in the
same savepoint (``on_posted``), so a retry returns the first response and posts nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import msgspec

from app.core.errors import IdempotencyMismatch
from app.core.events import Event
from app.core.identity.models import User
from app.core.json_text import json_text
from app.core.ledger.models import Journal, Leg
from app.platforms.drop import corridors, render
from app.platforms.drop.errors import DropError, bad_request, field_error, not_found
from app.platforms.drop.notifications import notify_in
from app.platforms.drop.respond import banks_of
from app.platforms.drop.schemas import DropQrPayment, DropRemittance
from app.platforms.drop.settlement import start_settlement
from app.platforms.drop.store import transactions as store
from app.runtime import Sandbox
from simulators.banks import BankAccount, OpenBankingBanks

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
    row = store.first_request(sandbox.db, request_key)
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
    row = await store.response_of_journal(sandbox.db, journal.id)
    if row is None:  # pragma: no cover - the row is written in the journal's savepoint
        raise RuntimeError(f"journal {journal.id} has no Drop transaction")
    body: dict[str, Any] = json.loads(row["response"])
    return body


async def paying_account(sandbox: Sandbox, user_id: int, requested: object) -> BankAccount:
    """The user's bank account a payment debits: ``requested`` (public or internal id) or the primary one."""
    accounts = await banks_of(sandbox).accounts(user_id)
    if not accounts:
        raise DropError(400, "no_bank_account", "No linked bank account")
    if requested is None:
        return accounts[0]  # primary first
    if not isinstance(requested, str):
        raise bad_request("bankAccountId must be a string", [field_error("bankAccountId", "must be a string")])
    for account in accounts:
        if requested in (account.public_id, str(account.id)):
            return account
    raise not_found("Bank account not found")


# -- remittances --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Remittance:
    """What a new remittance is: its id, money and the response it answers with."""

    tx_id: str
    amount: int
    fee: int
    receive: int
    currency: str
    exchange_rate: str
    now: float
    body: dict[str, Any]


async def _price_remittance(sandbox: Sandbox, recipient: Any, account: BankAccount, amount: int) -> _Remittance:
    """The rate, the fee and the received amount of a new remittance, and its response."""
    currency = recipient["currency"]
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
            recipient_country=render.country_name(recipient["country"]),
            from_account=account.bank_name,
            eta=corridors.eta_for(recipient["country"]),
            created_at=render.iso(now),
        )
    )
    return _Remittance(tx_id, amount, fee, receive, currency, str(fx.rate), now, body)


async def _remittance_legs(sandbox: Sandbox, account: BankAccount, recipient: Any, tx: _Remittance) -> list[Leg]:
    """Principal to ``suspense`` (in transit until the bank settles), the fee to ``fees``."""
    suspense = await sandbox.ledger.system_account("suspense", NOK)
    fees = await sandbox.ledger.system_account("fees", NOK)
    legs = [
        Leg(
            account.ledger_account_id,
            suspense.id,
            tx.amount,
            "principal",
            f"Remittance {tx.tx_id} to {recipient['name']}",
        )
    ]
    if tx.fee > 0:
        legs.append(Leg(account.ledger_account_id, fees.id, tx.fee, "fee", f"Drop remittance fee {tx.tx_id}"))
    return legs


async def create_remittance(
    sandbox: Sandbox,
    banks: OpenBankingBanks,
    user: User,
    recipient: Any,
    account: BankAccount,
    amount: int,
    request_id: str | None,
) -> Created:
    request_key = f"remittance:{user.id}:{request_id}" if request_id else None
    summary = _summary(amount=amount, recipientId=recipient["id"], bankAccountId=account.public_id)
    first = await replay(sandbox, request_key, summary)
    if first is not None:
        await start_settlement(sandbox, str(first["id"]))
        return Created(first, True)
    tx = await _price_remittance(sandbox, recipient, account, amount)
    legs = await _remittance_legs(sandbox, account, recipient, tx)

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        store.insert_remittance_in(
            conn,
            tx.tx_id,
            user.id,
            amount=tx.amount,
            currency=NOK,
            fee=tx.fee,
            receive_amount=tx.receive,
            receive_currency=tx.currency,
            exchange_rate=tx.exchange_rate,
            recipient=recipient,
            bank_account_id=account.id,
            bank_name=account.bank_name,
            journal_id=journal.id,
            request_key=request_key,
            request_summary=summary,
            response=json_text(tx.body),
            now=tx.now,
        )

    journal = await banks.initiate_payment(
        account,
        legs,
        description=f"Drop remittance {tx.tx_id}",
        idempotency_key=f"drop:{request_key or tx.tx_id}",
        metadata={"drop_tx": tx.tx_id, "type": "remittance"},
        on_posted=on_posted,
    )
    if journal.replayed:
        replayed = await _replayed_body(sandbox, journal)
        await start_settlement(sandbox, str(replayed["id"]))
        return Created(replayed, True)
    plan = await start_settlement(sandbox, tx.tx_id)
    return Created(tx.body, False, plan.explain if plan is not None else None)


# -- QR payments --------------------------------------------------------------------------------------


def _qr_body(
    tx_id: str, merchant: Any, account: BankAccount, amount: int, fee: int, fee_rate: Any, now: float
) -> dict[str, Any]:
    body: dict[str, Any] = msgspec.to_builtins(
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
    return body


async def _qr_legs(
    sandbox: Sandbox, account: BankAccount, merchant: Any, tx_id: str, amount: int, fee: int
) -> list[Leg]:
    """The amount to the merchant's settlement account, the fee to ``fees``."""
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
    return legs


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
    body = _qr_body(tx_id, merchant, account, amount, fee, fee_rate, now)
    legs = await _qr_legs(sandbox, account, merchant, tx_id, amount, fee)
    customer = render.anonymise(user.first_name, user.last_name)
    # Logged with the payment in its write job; delivered to subscribers after the commit.
    completed = Event("transaction.completed", body, user.id, "drop")

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        store.insert_qr_payment_in(
            conn,
            tx_id,
            user.id,
            amount=amount,
            currency=NOK,
            fee=fee,
            merchant=merchant,
            customer_name=customer,
            bank_account_id=account.id,
            bank_name=account.bank_name,
            journal_id=journal.id,
            request_key=request_key,
            request_summary=summary,
            response=json_text(body),
            now=now,
        )
        message = f"{customer} paid {render.amount(amount, NOK):.2f} NOK"
        notify_in(conn, now, int(merchant["user_id"]), "payment_received", "Payment received", message, tx_id)
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
