"""Disputes: opened by the customer within the dispute window, funds held from the merchant,
evidence uploads, admin resolution (APPROVED refunds through the ledger, REJECTED releases the hold)."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request, Response, get, post, put
from litestar.datastructures import UploadFile

from app.core.clock import iso
from app.core.errors import DomainError, InsufficientFunds
from app.core.identity.models import Principal
from app.core.ledger.holds import place_hold_in
from app.core.ledger.models import Journal, Leg
from app.core.money import parse_amount
from app.platforms.tribble import events, merchants
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import amount, new_id, ts
from app.platforms.tribble.schemas.disputes import (
    DisputeCreatedOut,
    DisputeIn,
    DisputeOut,
    EvidenceItem,
    EvidenceUploadedOut,
    Investigation,
    ResolutionIn,
    ResolutionOut,
)
from app.platforms.tribble.security import require_admin
from app.platforms.tribble.transactions import visible_transaction
from app.registry import SandboxDep
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
    row = await sandbox.db.fetchone("SELECT * FROM tribble_disputes WHERE id = ?", (dispute_id,))
    if row is None:
        raise TribbleError("NOT_FOUND", "Dispute not found", {"disputeId": dispute_id})
    if caller.user.is_admin or int(row["customer_user_id"]) == caller.user.id:
        return row
    merchant = await sandbox.db.fetchone(
        "SELECT owner_user_id FROM tribble_merchants WHERE id = ?", (row["merchant_id"],)
    )
    if merchant is not None and int(merchant["owner_user_id"]) == caller.user.id:
        return row
    raise TribbleError("NOT_FOUND", "Dispute not found", {"disputeId": dispute_id})


@post(
    "/transactions/{transactionId:str}/dispute",
    status_code=201,
    summary="Dispute a transaction",
    tags=["tribble: disputes"],
)
async def create_dispute(
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
    data: DisputeIn,
) -> DisputeCreatedOut:
    txn = await visible_transaction(sandbox, caller, transactionId)
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
    now = sandbox.clock.time()
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
    merchant = await merchants.get_merchant(sandbox, txn["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, txn["currency"])
    dispute_id = new_id("dispute")
    deadline = now + DEADLINE_DAYS * 86400
    respond_by = now + MERCHANT_RESPONSE_DAYS * 86400

    def run(conn: sqlite3.Connection) -> int:
        open_dispute = conn.execute(
            "SELECT id FROM tribble_disputes WHERE transaction_id = ? AND status != 'RESOLVED'", (txn["id"],)
        ).fetchone()
        if open_dispute is not None:
            raise TribbleError("CONFLICT", "Transaction already has an open dispute", {"disputeId": open_dispute[0]})
        refunded = conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM tribble_refunds WHERE transaction_id = ? AND status != 'FAILED'",
            (txn["id"],),
        ).fetchone()[0]
        value = int(txn["amount"]) - int(refunded)
        if value <= 0:
            raise TribbleError("UNPROCESSABLE_ENTITY", "Transaction is fully refunded", {"transactionId": txn["id"]})
        hold_id = None
        try:
            conn.execute("SAVEPOINT dispute_hold")
            hold_id = place_hold_in(conn, now, merchant_acct.id, value, reference=f"tribble:{dispute_id}").id
            conn.execute("RELEASE dispute_hold")
        except InsufficientFunds:
            conn.execute("ROLLBACK TO dispute_hold")
            conn.execute("RELEASE dispute_hold")
        conn.execute(
            "INSERT INTO tribble_disputes (id, transaction_id, customer_user_id, merchant_id, reason, description,"
            " amount, currency, status, hold_id, deadline, merchant_response_deadline, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?)",
            (
                dispute_id,
                txn["id"],
                caller.user.id,
                merchant["id"],
                data.reason,
                data.description,
                value,
                txn["currency"],
                hold_id,
                deadline,
                respond_by,
                now,
            ),
        )
        return value

    value = int(await sandbox.db.write(run))
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
    return DisputeCreatedOut(
        dispute_id=dispute_id,
        transaction_id=txn["id"],
        reason=data.reason,
        amount=amount(value, txn["currency"]),
        status="OPEN",
        deadline=iso(deadline),
        created_at=iso(now),
        message=f"Dispute created successfully. Merchant has {MERCHANT_RESPONSE_DAYS} days to respond.",
    )


@post(
    "/disputes/{disputeId:str}/evidence", status_code=200, summary="Upload dispute evidence", tags=["tribble: disputes"]
)
async def upload_evidence(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    disputeId: str,
) -> EvidenceUploadedOut:
    dispute = await get_dispute(sandbox, caller, disputeId)
    if dispute["status"] == "RESOLVED":
        raise TribbleError("UNPROCESSABLE_ENTITY", "Dispute is already resolved", {"disputeId": disputeId})
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
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> int:
        for upload, content in files:
            conn.execute(
                "INSERT INTO tribble_dispute_evidence (id, dispute_id, uploaded_by, type, filename, content_type, size,"
                " content, description, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_id("evidence"),
                    disputeId,
                    caller.user.id,
                    evidence_type if isinstance(evidence_type, str) and evidence_type else "document",
                    upload.filename or "",
                    upload.content_type or "",
                    len(content),
                    content,
                    description if isinstance(description, str) else "",
                    now,
                ),
            )
        conn.execute(
            "UPDATE tribble_disputes SET status = 'INVESTIGATING', investigation_started_at ="
            " COALESCE(investigation_started_at, ?) WHERE id = ? AND status = 'OPEN'",
            (now, disputeId),
        )
        return int(
            conn.execute("SELECT COUNT(*) FROM tribble_dispute_evidence WHERE dispute_id = ?", (disputeId,)).fetchone()[
                0
            ]
        )

    count = int(await sandbox.db.write(run))
    return EvidenceUploadedOut(
        dispute_id=disputeId,
        evidence_count=count,
        total_file_size=sum(len(c) for _, c in files),
        uploaded_at=iso(now),
        message="Evidence uploaded successfully",
    )


@get("/disputes/{disputeId:str}", summary="Dispute details", tags=["tribble: disputes"])
async def get_dispute_route(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    disputeId: str,
) -> DisputeOut:
    d = await get_dispute(sandbox, caller, disputeId)
    customer = await sandbox.identity.get_user(int(d["customer_user_id"]))
    evidence = await sandbox.db.fetchall(
        "SELECT id, type, filename, size, uploaded_at FROM tribble_dispute_evidence WHERE dispute_id = ?"
        " ORDER BY uploaded_at, id",
        (disputeId,),
    )
    base = str(request.base_url).rstrip("/")
    if d["status"] == "RESOLVED":
        notes = d["notes"] or f"Resolved: {d['resolution']}"
    elif d["status"] == "INVESTIGATING":
        notes = "Evidence under review"
    else:
        notes = "Awaiting merchant response"
    return DisputeOut(
        dispute_id=d["id"],
        transaction_id=d["transaction_id"],
        customer_id=customer.uuid if customer else "",
        merchant_id=d["merchant_id"],
        reason=d["reason"],
        amount=amount(int(d["amount"]), d["currency"]),
        status=d["status"],
        resolution=d["resolution"],
        deadline=iso(d["deadline"]),
        created_at=iso(d["created_at"]),
        evidence=[
            EvidenceItem(
                evidence_id=e["id"],
                type=e["type"],
                file_url=f"{base}/api/v1/disputes/{disputeId}/evidence/{e['id']}",
                uploaded_at=iso(e["uploaded_at"]),
                file_name=e["filename"],
                file_size=int(e["size"]),
            )
            for e in evidence
        ],
        investigation=Investigation(
            started_at=ts(d["investigation_started_at"]),
            merchant_response_deadline=iso(d["merchant_response_deadline"]),
            merchant_response=None,
            notes=notes,
        ),
    )


@get("/disputes/{disputeId:str}/evidence/{evidenceId:str}", summary="An evidence file", tags=["tribble: disputes"])
async def evidence_file(
    caller: Principal,
    sandbox: SandboxDep,
    disputeId: str,
    evidenceId: str,
) -> Response[bytes]:
    await get_dispute(sandbox, caller, disputeId)
    row = await sandbox.db.fetchone(
        "SELECT content, content_type, filename FROM tribble_dispute_evidence WHERE id = ? AND dispute_id = ?",
        (evidenceId, disputeId),
    )
    if row is None:
        raise TribbleError("NOT_FOUND", "Evidence not found")
    return Response(bytes(row["content"]), media_type=row["content_type"] or "application/octet-stream")


@put("/disputes/{disputeId:str}/resolution", summary="Resolve a dispute (admin only)", tags=["tribble: disputes"])
async def resolve_dispute(
    caller: Principal,
    sandbox: SandboxDep,
    disputeId: str,
    data: ResolutionIn,
) -> ResolutionOut:
    require_admin(caller.user)
    d = await get_dispute(sandbox, caller, disputeId)
    if d["status"] == "RESOLVED":
        raise TribbleError("CONFLICT", "Dispute is already resolved", {"disputeId": disputeId})
    if data.resolution not in ("APPROVED", "REJECTED"):
        raise invalid("resolution", "resolution must be APPROVED or REJECTED")
    currency = d["currency"]
    now = sandbox.clock.time()
    if data.resolution == "REJECTED":
        if d["hold_id"] is not None:
            await sandbox.ledger.void_hold(int(d["hold_id"]), reason="dispute rejected")
        await sandbox.db.execute(
            "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'REJECTED', notes = ?, resolved_at = ?,"
            " refund_amount = 0 WHERE id = ?",
            (data.notes, now, disputeId),
        )
        return ResolutionOut(
            dispute_id=disputeId,
            status="RESOLVED",
            resolution="REJECTED",
            refund_id=None,
            refund_amount=0.0,
            resolved_at=iso(now),
            message="Dispute rejected and held funds released",
        )
    value = int(d["amount"])
    if data.refund_amount is not None:
        try:
            value = parse_amount(data.refund_amount, currency)
        except DomainError as exc:
            raise invalid_amount("refundAmount", exc) from None
        if value > int(d["amount"]):
            raise invalid("refundAmount", "refundAmount exceeds the disputed amount")
    txn = await sandbox.db.fetchone("SELECT * FROM tribble_transactions WHERE id = ?", (d["transaction_id"],))
    merchant = await merchants.get_merchant(sandbox, d["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    if txn["wallet_account_id"] is not None:
        target = int(txn["wallet_account_id"])
    else:
        target = (await sandbox.ledger.system_account("settlement", currency)).id
    refund_id = new_id("refund")
    legs = [Leg(merchant_acct.id, target, value, description=f"Chargeback {disputeId}")]

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO tribble_refunds (id, transaction_id, amount, currency, reason, description, status,"
            " requested_by, journal_id, created_at, completed_at)"
            " VALUES (?, ?, ?, ?, 'dispute', ?, 'COMPLETED', ?, ?, ?, ?)",
            (
                refund_id,
                d["transaction_id"],
                value,
                currency,
                f"Dispute {disputeId}",
                caller.user.id,
                journal.id,
                now,
                now,
            ),
        )
        conn.execute(
            "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'APPROVED', notes = ?, resolved_at = ?,"
            " refund_id = ?, refund_amount = ?, journal_id = ? WHERE id = ?",
            (data.notes, now, refund_id, value, journal.id, disputeId),
        )

    meta = {"platform": "tribble", "disputeId": disputeId, "transactionId": d["transaction_id"]}
    try:
        if d["hold_id"] is not None:
            await sandbox.ledger.post_hold(
                int(d["hold_id"]),
                "TRANSACTION_TYPE_REFUND",
                legs,
                description=f"Tribble chargeback {disputeId}",
                idempotency_key=f"tribble:dispute:{disputeId}",
                metadata=meta,
                on_posted=done,
            )
        else:
            await sandbox.ledger.post(
                "TRANSACTION_TYPE_REFUND",
                legs,
                description=f"Tribble chargeback {disputeId}",
                idempotency_key=f"tribble:dispute:{disputeId}",
                metadata=meta,
                on_posted=done,
            )
    except InsufficientFunds:
        raise TribbleError("INSUFFICIENT_FUNDS", "Merchant balance is insufficient for this refund") from None
    return ResolutionOut(
        dispute_id=disputeId,
        status="RESOLVED",
        resolution="APPROVED",
        refund_id=refund_id,
        refund_amount=amount(value, currency),
        resolved_at=iso(now),
        message="Dispute resolved and refund initiated",
    )


ROUTES = [create_dispute, upload_evidence, get_dispute_route, evidence_file, resolve_dispute]
