"""Disputes: opened by the customer within the dispute window, funds held from the merchant,
evidence uploads, admin resolution (APPROVED refunds through the ledger, REJECTED releases the hold).
The rules are here; the handlers are in routes/disputes.py."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from app.core.clock import iso
from app.core.errors import DomainError, InsufficientFunds
from app.core.identity.models import Principal
from app.core.ledger.models import Journal, Leg
from app.core.money import parse_amount
from app.platforms.tribble import events, merchants
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import amount, new_id
from app.platforms.tribble.schemas.disputes import (
    DisputeIn,
    ResolutionIn,
    ResolutionOut,
)
from app.platforms.tribble.store import disputes as store
from app.platforms.tribble.store.events import transaction_by_id
from app.platforms.tribble.store.merchants import merchant_owner
from app.platforms.tribble.transactions import visible_transaction
from app.runtime import Sandbox

DISPUTE_WINDOW_DAYS = 120
DEADLINE_DAYS = 30
MERCHANT_RESPONSE_DAYS = 10
MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
REASONS = (
    "product_not_received",
    "product_not_as_described",
    "unauthorized",
    "fraudulent",
    "duplicate",
    "subscription_cancelled",
    "credit_not_processed",
    "other",
)


async def get_dispute(sandbox: Sandbox, caller: Principal, dispute_id: str) -> Any:
    row = await store.dispute_by_id(sandbox.db, dispute_id)
    if row is None:
        raise TribbleError("NOT_FOUND", "Dispute not found", {"disputeId": dispute_id})
    if caller.user.is_admin or int(row["customer_user_id"]) == caller.user.id:
        return row
    merchant = await merchant_owner(sandbox.db, row["merchant_id"])
    if merchant is not None and int(merchant["owner_user_id"]) == caller.user.id:
        return row
    raise TribbleError("NOT_FOUND", "Dispute not found", {"disputeId": dispute_id})


def check_disputable(caller: Principal, txn: Any, data: DisputeIn, now: float) -> None:
    """The customer's own successful payment, a known reason, within the dispute window."""
    if int(txn["customer_user_id"]) != caller.user.id:
        raise TribbleError("FORBIDDEN", "Only the paying customer can dispute a transaction")
    if txn["kind"] != "payment" or txn["status"] != "SUCCESS":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY", "Only successful payments can be disputed", {"status": txn["status"]}
        )
    if data.reason not in REASONS:
        raise invalid("reason", f"reason must be one of: {', '.join(REASONS)}")
    if len(data.description) > 2000:
        raise invalid("description", "description must be at most 2000 characters")
    paid_at = txn["completed_at"] or txn["created_at"]
    if now > paid_at + DISPUTE_WINDOW_DAYS * 86400:
        raise TribbleError(
            "DISPUTE_EXPIRED",
            "Dispute window has expired",
            {
                "transactionId": txn["id"],
                "windowDays": DISPUTE_WINDOW_DAYS,
                "expiredAt": iso(paid_at + DISPUTE_WINDOW_DAYS * 86400),
            },
        )


def open_dispute_in(
    conn: sqlite3.Connection,
    txn: Any,
    row: tuple[Any, ...],
    merchant_account_id: int,
    now: float,
) -> int:
    """Hold the undisputed, unrefunded amount from the merchant (if it can be covered) and insert the dispute.

    ``row``: id, customer_user_id, merchant_id, reason, description, deadline, merchant_response_deadline."""
    dispute_id, customer, merchant_id, reason, description, deadline, respond_by = row
    open_dispute = store.open_dispute_of(conn, txn["id"])
    if open_dispute is not None:
        raise TribbleError("CONFLICT", "Transaction already has an open dispute", {"disputeId": open_dispute[0]})
    value = int(txn["amount"]) - store.refunded_amount(conn, txn["id"])
    if value <= 0:
        raise TribbleError("UNPROCESSABLE_ENTITY", "Transaction is fully refunded", {"transactionId": txn["id"]})
    hold_id = store.hold_if_funded(conn, now, merchant_account_id, value, f"tribble:{dispute_id}")
    store.insert_dispute(
        conn,
        (dispute_id, txn["id"], customer, merchant_id, reason, description, value, txn["currency"], hold_id)
        + (deadline, respond_by, now),
    )
    return value


async def open_dispute(
    sandbox: Sandbox, caller: Principal, transaction_id: str, data: DisputeIn
) -> tuple[str, Any, int, float, float]:
    """Open a dispute on the caller's payment (the merchant's funds held) and tell both sides:
    (dispute id, the transaction, the amount disputed, deadline, now)."""
    txn = await visible_transaction(sandbox, caller, transaction_id)
    now = sandbox.clock.time()
    check_disputable(caller, txn, data, now)
    merchant = await merchants.get_merchant(sandbox, txn["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, txn["currency"])
    dispute_id = new_id("dispute")
    deadline = now + DEADLINE_DAYS * 86400
    respond_by = now + MERCHANT_RESPONSE_DAYS * 86400
    row = (dispute_id, caller.user.id, merchant["id"], data.reason, data.description, deadline, respond_by)
    value = int(await sandbox.db.write(lambda conn: open_dispute_in(conn, txn, row, merchant_acct.id, now)))
    await events.publish(
        sandbox,
        "dispute:created",
        {
            "disputeId": dispute_id,
            "transactionId": txn["id"],
            "reason": data.reason,
            "amount": amount(value, txn["currency"]),
            "deadline": iso(deadline)[:10],
            "timestamp": iso(now),
        },
        caller.user.id,
        (int(merchant["owner_user_id"]),),
    )
    return dispute_id, txn, value, deadline, now


async def evidence_files(request: Request[Any, Any, Any]) -> tuple[list[tuple[UploadFile, bytes]], Any, Any]:
    """The uploaded files (each read, non-empty, at most 10 MB), ``description`` and ``type`` of the form."""
    if "multipart/form-data" not in (request.headers.get("content-type") or ""):
        raise invalid("files", "Request must be multipart/form-data with one or more 'files'")
    form = await request.form()
    uploads = [f for f in form.getall("files") if isinstance(f, UploadFile)] if hasattr(form, "getall") else []
    if not uploads:
        raise invalid("files", "At least one file is required")
    if len(uploads) > MAX_FILES:
        raise invalid("files", f"At most {MAX_FILES} files per upload")
    description = form.get("description")
    evidence_type = form.get("type")
    files: list[tuple[UploadFile, bytes]] = []
    for upload in uploads:
        content = await upload.read()
        if not content:
            raise invalid("files", f"{upload.filename or 'file'} is empty")
        if len(content) > MAX_FILE_BYTES:
            raise invalid("files", f"{upload.filename or 'file'} exceeds 10 MB")
        files.append((upload, content))
    return files, description, evidence_type


def add_evidence_in(
    conn: sqlite3.Connection,
    dispute_id: str,
    uploaded_by: int,
    files: list[tuple[UploadFile, bytes]],
    form: tuple[Any, Any],
    now: float,
) -> int:
    """Store the files, move an OPEN dispute to INVESTIGATING; the dispute's evidence count."""
    description, evidence_type = form
    for upload, content in files:
        store.insert_evidence(
            conn,
            (
                new_id("evidence"),
                dispute_id,
                uploaded_by,
                evidence_type if isinstance(evidence_type, str) and evidence_type else "document",
                upload.filename or "",
                upload.content_type or "",
                len(content),
                content,
                description if isinstance(description, str) else "",
                now,
            ),
        )
    store.start_investigation(conn, dispute_id, now)
    return store.evidence_count(conn, dispute_id)


async def reject_dispute(sandbox: Sandbox, d: Any, notes: str | None, now: float) -> ResolutionOut:
    """REJECTED: the held funds go back to the merchant."""
    if d["hold_id"] is not None:
        await sandbox.ledger.void_hold(int(d["hold_id"]), reason="dispute rejected")
    await store.reject(sandbox.db, d["id"], notes, now)
    return ResolutionOut(
        dispute_id=d["id"],
        status="RESOLVED",
        resolution="REJECTED",
        refund_id=None,
        refund_amount=0.0,
        resolved_at=iso(now),
        message="Dispute rejected and held funds released",
    )


def refund_value(d: Any, data: ResolutionIn) -> int:
    """The chargeback: the disputed amount, or less when the admin says so."""
    value = int(d["amount"])
    if data.refund_amount is not None:
        try:
            value = parse_amount(data.refund_amount, d["currency"])
        except DomainError as exc:
            raise invalid_amount("refundAmount", exc) from None
        if value > int(d["amount"]):
            raise invalid("refundAmount", "refundAmount exceeds the disputed amount")
    return value


async def chargeback_legs(sandbox: Sandbox, d: Any, value: int) -> list[Leg]:
    """Merchant -> the paying wallet (or the settlement account for a card payment)."""
    currency = d["currency"]
    txn = await transaction_by_id(sandbox.db, d["transaction_id"])
    merchant = await merchants.get_merchant(sandbox, d["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    if txn["wallet_account_id"] is not None:
        target = int(txn["wallet_account_id"])
    else:
        target = (await sandbox.ledger.system_account("settlement", currency)).id
    return [Leg(merchant_acct.id, target, value, description=f"Chargeback {d['id']}")]


async def approve_dispute(sandbox: Sandbox, caller: Principal, d: Any, data: ResolutionIn, now: float) -> ResolutionOut:
    """APPROVED: the chargeback posts (from the hold when there is one) and writes the refund row."""
    dispute_id = d["id"]
    value = refund_value(d, data)
    legs = await chargeback_legs(sandbox, d, value)
    refund_id = new_id("refund")

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        store.approve(conn, journal, d, refund_id, value, data.notes, caller.user.id, now)

    meta = {"platform": "tribble", "disputeId": dispute_id, "transactionId": d["transaction_id"]}
    posting: dict[str, Any] = {
        "description": f"Tribble chargeback {dispute_id}",
        "idempotency_key": f"tribble:dispute:{dispute_id}",
        "metadata": meta,
        "on_posted": done,
    }
    try:
        if d["hold_id"] is not None:
            await sandbox.ledger.post_hold(int(d["hold_id"]), "TRANSACTION_TYPE_REFUND", legs, **posting)
        else:
            await sandbox.ledger.post("TRANSACTION_TYPE_REFUND", legs, **posting)
    except InsufficientFunds:
        raise TribbleError("INSUFFICIENT_FUNDS", "Merchant balance is insufficient for this refund") from None
    return ResolutionOut(
        dispute_id=dispute_id,
        status="RESOLVED",
        resolution="APPROVED",
        refund_id=refund_id,
        refund_amount=amount(value, d["currency"]),
        resolved_at=iso(now),
        message="Dispute resolved and refund initiated",
    )
