"""send-to-profile: hold the sender's funds now, settle the transfer on the sandbox clock.

A send is accepted in one savepoint: a debit hold on the sender's wallet (amount + fee), the
``twallet_sends`` row (``pending``) and a scheduler job due ``SETTLE_SECONDS`` later. The job
posts the hold as a ledger transfer (sender -> recipient, fee -> the fees account) with an
idempotency key derived from the send, and marks the row ``completed`` in the same savepoint;
if the posting is refused (e.g. the recipient's wallet got locked) the hold is voided and the
send is ``failed``. An ``Idempotency-Key`` header makes a retry return the first send.

``order_for`` checks a request's accounts, recipient, notes and amount (in the order T-Wallet
answers them) and quotes the fee: the ``SendOrder`` that ``accept_send`` then holds.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.errors import DomainError, IdempotencyMismatch, InsufficientFunds, ValidationFailed
from app.core.identity.models import User
from app.core.ledger.accounts import open_account_in, system_account_in
from app.core.ledger.holds import place_hold_in, post_hold_in, void_hold_in
from app.core.ledger.models import Journal, Leg
from app.core.money import parse_amount
from app.core.scheduler import Job, schedule_in
from app.core.wallet_rules import WALLET_PURPOSE
from app.platforms.twallet import schemas as s
from app.platforms.twallet import store
from app.platforms.twallet.errors import TWalletError, record_not_found
from app.runtime import Sandbox
from app.wording import invalid_amount_message

SETTLE_JOB = "twallet.settle_send"
SETTLE_SECONDS = 2.0
MAX_NOTES = 500
MAX_IDEMPOTENCY_KEY = 255


@dataclass(frozen=True)
class SendOrder:
    sender: User
    recipient: User
    sender_ledger_account: int
    asset_key: str
    amount: int
    fee: int
    notes: str | None
    idempotency_key: str | None


@dataclass(frozen=True)
class SendOutcome:
    accepted: bool
    send_id: int | None = None
    replayed: bool = False


async def _wallet(sandbox: Sandbox, user: User, asset_key: str) -> int | None:
    for account in await sandbox.ledger.accounts_of("user", user.id, purpose=WALLET_PURPOSE):
        if account.currency == asset_key:
            return account.id
    return None


def _amount_message(exc: ValidationFailed, currency: str) -> str:
    """T-Wallet's words for ``parse_amount``'s refusals (its guide calls the amount a decimal value)."""
    if exc.code == "too_many_decimals":
        return f"amount has more decimals than {currency} allows"
    if exc.code == "amount_not_positive":
        return "amount must be greater than 0"
    if exc.details.get("reason") == "too_large":
        return invalid_amount_message(exc) or "amount is too large"
    return "amount must be a decimal number"


async def order_for(
    sandbox: Sandbox, user: User, data: s.SendToProfileRequest, idempotency_key: str | None
) -> SendOrder:
    """The send ``user`` asks for, checked (``record not found``, 400 with a message) and with its fee."""
    if str(data.from_account_id) != user.twallet_account_id:
        raise record_not_found()
    asset_key = data.asset_key.strip().upper()
    sender_account = await _wallet(sandbox, user, asset_key) if asset_key else None
    if sender_account is None:
        raise record_not_found()
    recipient = await sandbox.identity.by_profile_id(data.to_profile_id)
    if recipient is None or recipient.status == "deleted":
        raise record_not_found()
    if recipient.id == user.id:
        raise TWalletError(400, "cannot send to your own profile")
    notes = data.meta_data.notes if data.meta_data else None
    if notes is not None and len(notes) > MAX_NOTES:
        raise TWalletError(400, f"meta_data.notes must be at most {MAX_NOTES} characters")
    try:
        amount = parse_amount(data.amount, asset_key)
    except ValidationFailed as exc:
        raise TWalletError(400, _amount_message(exc, asset_key)) from exc
    fee = (await sandbox.ledger.fees.quote("twallet", "transfer", asset_key, amount)).fee
    if idempotency_key is not None and len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise TWalletError(400, f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters")
    return SendOrder(
        sender=user,
        recipient=recipient,
        sender_ledger_account=sender_account,
        asset_key=asset_key,
        amount=amount,
        fee=fee,
        notes=notes,
        idempotency_key=idempotency_key,
    )


def _fingerprint(order: SendOrder) -> dict[str, Any]:
    return {
        "to_profile_id": order.recipient.profile_id,
        "asset_key": order.asset_key,
        "amount": order.amount,
        "notes": order.notes,
    }


def _replay(conn: sqlite3.Connection, order: SendOrder) -> int | None:
    if order.idempotency_key is None:
        return None
    row = store.send_by_idempotency_key(conn, order.sender.id, order.idempotency_key)
    if row is None:
        return None
    stored = {"to_profile_id": row[1], "asset_key": row[2], "amount": int(row[3]), "notes": row[4]}
    differs = [name for name, value in _fingerprint(order).items() if stored[name] != value]
    if differs:
        raise IdempotencyMismatch(
            f"Idempotency-Key {order.idempotency_key!r} was used with different parameters", differs=differs
        )
    return int(row[0])


async def accept_send(sandbox: Sandbox, order: SendOrder) -> SendOutcome:
    """Hold the funds and queue the settlement; ``accepted=False`` when the balance is short."""
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> SendOutcome:
        existing = _replay(conn, order)
        if existing is not None:
            return SendOutcome(True, existing, replayed=True)
        try:
            hold = place_hold_in(
                conn, now, order.sender_ledger_account, order.amount + order.fee, reference="twallet:send", atomic=True
            )
        except InsufficientFunds:
            return SendOutcome(False)
        recipient_account = open_account_in(
            conn, now, "user", order.recipient.id, order.asset_key, purpose=WALLET_PURPOSE
        )
        send_id = store.insert_send(
            conn,
            sender_user_id=order.sender.id,
            recipient_user_id=order.recipient.id,
            from_account_id=order.sender.twallet_account_id,
            to_profile_id=order.recipient.profile_id,
            asset_key=order.asset_key,
            amount=order.amount,
            fee=order.fee,
            notes=order.notes,
            sender_ledger_account=order.sender_ledger_account,
            recipient_ledger_account=recipient_account.id,
            hold_id=hold.id,
            idempotency_key=order.idempotency_key,
            now=now,
        )
        schedule_in(
            conn, SETTLE_JOB, now + SETTLE_SECONDS, {"send_id": send_id}, now=now, ref=f"twallet:send:{send_id}"
        )
        return SendOutcome(True, send_id)

    outcome: SendOutcome = await sandbox.db.write(run)
    if outcome.accepted and not outcome.replayed:
        sandbox.scheduler.wake()
    return outcome


def settle_in(conn: sqlite3.Connection, now: float, send_id: int) -> str:
    """Post (or fail) one pending send; returns its status afterwards. Safe to run twice."""
    row = store.send_by_id(conn, send_id)
    if row is None or row["status"] != "pending":
        return "missing" if row is None else str(row["status"])
    currency = row["asset_key"]
    legs = [
        Leg(
            debit=int(row["sender_ledger_account"]),
            credit=int(row["recipient_ledger_account"]),
            amount=int(row["amount"]),
            description=f"T-Wallet send to {row['to_profile_id']}",
        )
    ]
    if int(row["fee"]) > 0:
        fees = system_account_in(conn, now, "fees", currency)
        legs.append(
            Leg(
                debit=int(row["sender_ledger_account"]),
                credit=fees.id,
                amount=int(row["fee"]),
                kind="fee",
                description="T-Wallet send fee",
            )
        )

    def mark_completed(c: sqlite3.Connection, journal: Journal) -> None:
        store.mark_send_completed(c, send_id, journal.id, now)

    try:
        post_hold_in(
            conn,
            now,
            int(row["hold_id"]),
            "TRANSACTION_TYPE_TRANSFER",
            legs,
            description=f"T-Wallet send #{send_id}",
            idempotency_key=f"twallet:send:{send_id}:completed",
            metadata={"platform": "twallet", "send_id": send_id, "notes": row["notes"]},
            on_posted=mark_completed,
            atomic=True,
        )
        return "completed"
    except DomainError as exc:
        void_hold_in(conn, now, int(row["hold_id"]), reason=f"twallet send failed: {exc.code}", atomic=True)
        store.mark_send_failed(conn, send_id, exc.code, now)
        return "failed"


def make_settle_handler(sandbox: Sandbox) -> Any:
    async def settle(job: Job) -> None:
        send_id = int(job.payload["send_id"])
        now = sandbox.clock.time()
        await sandbox.db.write(lambda conn: settle_in(conn, now, send_id))

    return settle


async def list_transactions(
    sandbox: Sandbox, user_id: int, *, kind: int, page: int, limit: int
) -> tuple[list[tuple[sqlite3.Row, str, str]], int]:
    """(row, sender uuid, recipient uuid) newest first, and the total, for sent (1), received (2) or all (3)."""
    offset = (page - 1) * limit

    def run(conn: sqlite3.Connection) -> tuple[list[tuple[sqlite3.Row, str, str]], int]:
        total = store.count_sends_of(conn, user_id, kind)
        rows = store.sends_of(conn, user_id, kind, limit, offset)
        return [(row, row["sender_uuid"], row["recipient_uuid"]) for row in rows], total

    return await sandbox.db.read(run)
