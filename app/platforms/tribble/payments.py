"""Posting payments: wallet payments (wallet -> merchant, at once), card charges settled by the
card processor simulator (settlement -> merchant), and the stored first responses that make an
``Idempotency-Key`` retry return the first answer without posting anything."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import msgspec

from app.core.clock import iso
from app.core.errors import InsufficientFunds
from app.core.json_text import json_text
from app.core.ledger.models import Journal, Leg
from app.lean_response import Response
from app.platforms.tribble import events, merchants, risk
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.processor_status import fail_in, succeed_in
from app.platforms.tribble.render import amount, wallet_id
from app.platforms.tribble.schemas import FraudScoreBrief, TransactionCreatedOut
from app.platforms.tribble.store import transactions as store
from app.runtime import Sandbox

CHARGE_KIND = "tribble.charge"


def idempotency_key_of(header: str | None) -> str | None:
    """The Idempotency-Key header, trimmed (None when absent or blank; at most 255 characters)."""
    key = (header or "").strip() or None
    if key is not None and len(key) > 255:
        raise invalid("Idempotency-Key", "Idempotency-Key must be at most 255 characters")
    return key


def stored_response(row: Any, fingerprint: dict[str, Any]) -> Response[Any]:
    stored = json.loads(row["response"] or "{}")
    if stored.get("request") != fingerprint:
        differs = [k for k, v in fingerprint.items() if stored.get("request", {}).get(k) != v]
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Idempotency-Key reused with different parameters",
            {"field": "Idempotency-Key", "differs": differs},
        )
    return Response(stored.get("body", {}), status_code=int(stored.get("status", 201)))


async def record_blocked(
    sandbox: Sandbox, base: dict[str, Any], assessment: risk.Assessment, stored: dict[str, Any]
) -> None:
    def run(conn: sqlite3.Connection) -> None:
        insert_row(conn, {**base, "status": "BLOCKED", "response": json_text(stored)}, assessment)

    try:
        await sandbox.db.write(run)
    except sqlite3.IntegrityError:
        pass


def insert_row(conn: sqlite3.Connection, values: dict[str, Any], assessment: risk.Assessment) -> None:
    values = {
        **values,
        "fraud": json_text(assessment.as_dict()),
        "fraud_score": assessment.score,
        "risk_level": assessment.level,
        "decision": assessment.decision,
    }
    store.insert_transaction(conn, values)


def remember_device(conn: sqlite3.Connection, user_id: int, device_id: str | None, now: float) -> None:
    if device_id:
        store.insert_device(conn, user_id, device_id, now)


def to_builtins(value: Any) -> Any:
    return msgspec.to_builtins(value)


def error_body(sandbox: Sandbox, request_id: str, err: TribbleError) -> dict[str, Any]:
    """The error envelope of a stored answer (a retry with the same Idempotency-Key gets it again)."""
    return {
        "statusCode": err.status,
        "errorCode": err.error_code,
        "message": err.message,
        "details": err.details,
        "timestamp": iso(sandbox.clock.time()),
        "requestId": request_id,
    }


async def replay(sandbox: Sandbox, user_id: int, key: str | None, fingerprint: dict[str, Any]) -> Response[Any]:
    row = await sandbox.db.read(lambda conn: store.response_by_key(conn, user_id, key))
    if row is None:
        raise TribbleError(
            "CONFLICT", "A request with this Idempotency-Key is in progress", {"field": "Idempotency-Key"}
        )
    return stored_response(row, fingerprint)


def insufficient_funds(wallet_account_id: int, exc: InsufficientFunds, minor: int, currency: str) -> TribbleError:
    return TribbleError(
        "INSUFFICIENT_FUNDS",
        "Wallet has insufficient funds",
        {
            "walletId": wallet_id(wallet_account_id),
            "available": amount(int(exc.details.get("available", 0)), currency),
            "required": amount(minor, currency),
            "currency": currency,
        },
    )


def _wallet_payment_row(base: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    return {
        **base,
        "status": "SUCCESS",
        "completed_at": base["created_at"],
        "processor_status": "success",
        "processor_message": "Transaction completed successfully",
        "response": json_text(stored),
    }


async def pay_from_wallet(
    sandbox: Sandbox,
    base: dict[str, Any],
    wallet_account_id: int,
    merchant: Any,
    assessment: risk.Assessment,
    brief: FraudScoreBrief,
    fingerprint: dict[str, Any],
    minor: int,
    key: str | None,
) -> Response[Any]:
    currency = base["currency"]
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    now = base["created_at"]
    out = TransactionCreatedOut(
        transaction_id=base["id"],
        amount=amount(minor, currency),
        currency=currency,
        status="SUCCESS",
        fraud_score=brief,
        created_at=iso(now),
        processor_charge_id=None,
    )
    stored = {"request": fingerprint, "status": 201, "body": to_builtins(out)}
    user_id = int(base["customer_user_id"])
    row = _wallet_payment_row(base, stored)
    owner = merchant["owner_user_id"]
    # Logged in the posting's own write job (one commit per payment, not a second one for the
    # event), delivered to subscribers once that job has committed.
    completed = events.completed_event(row, int(owner) if owner else None, now)

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        insert_row(conn, {**row, "journal_id": journal.id}, assessment)
        remember_device(conn, user_id, base["device_id"], now)
        sandbox.events.record_in(conn, completed)

    ledger_key = f"tribble:pay:{user_id}:{key}" if key else f"tribble:pay:{base['id']}"
    try:
        journal = await sandbox.ledger.post(
            "TRANSACTION_TYPE_PAYMENT",
            [Leg(wallet_account_id, merchant_acct.id, minor, description=base["description"] or "Payment")],
            description=f"Tribble payment {base['id']} to {merchant['business_name']}",
            idempotency_key=ledger_key,
            metadata={"platform": "tribble", "transactionId": base["id"], "merchantId": merchant["id"]},
            on_posted=on_posted,
        )
    except InsufficientFunds as exc:
        raise insufficient_funds(wallet_account_id, exc, minor, currency) from None
    except sqlite3.IntegrityError:
        return await replay(sandbox, user_id, key, fingerprint)
    if journal.replayed:
        return await replay(sandbox, user_id, key, fingerprint)
    await sandbox.events.dispatch(completed)
    return Response(out, status_code=201)


async def settle_charge(sandbox: Sandbox, op: Any, outcome: Any) -> None:
    """The card processor simulator settled a card payment."""
    row = await sandbox.db.read(lambda conn: store.transaction_by_id(conn, op.ref))
    if row is None or row["status"] != "PROCESSING":
        return
    now = sandbox.clock.time()
    if not outcome.succeeded:
        message = outcome.error_message or "Your card was declined."
        await sandbox.db.write(lambda c: fail_in(c, op.ref, message, now))
        await events.transaction_completed(sandbox, op.ref)
        return
    merchant = await merchants.get_merchant(sandbox, row["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, row["currency"])
    settlement = await sandbox.ledger.system_account("settlement", row["currency"])

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        succeed_in(conn, op.ref, journal.id, now)

    await sandbox.ledger.post(
        "TRANSACTION_TYPE_PAYMENT",
        [Leg(settlement.id, merchant_acct.id, int(row["amount"]), description=row["description"] or "Card payment")],
        description=f"Tribble card payment {op.ref}",
        idempotency_key=f"op:{op.ref}:{outcome.status}",
        metadata={"platform": "tribble", "transactionId": op.ref, "merchantId": row["merchant_id"]},
        on_posted=done,
    )
    await events.transaction_completed(sandbox, op.ref)
