"""Dispute routes: open one on a payment, upload and read evidence, admin resolution (rules: disputes.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post, put

from app.core.clock import iso
from app.core.identity.models import Principal
from app.lean_response import Response
from app.platforms.tribble.disputes import (
    MERCHANT_RESPONSE_DAYS,
    add_evidence_in,
    approve_dispute,
    evidence_files,
    get_dispute,
    open_dispute,
    reject_dispute,
)
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import amount, ts
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
from app.platforms.tribble.store import disputes as store
from app.registry import SandboxDep


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
    dispute_id, txn, value, deadline, now = await open_dispute(sandbox, caller, transactionId, data)
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
    files, description, evidence_type = await evidence_files(request)
    now = sandbox.clock.time()
    form = (description, evidence_type)
    count = int(await sandbox.db.write(lambda conn: add_evidence_in(conn, disputeId, caller.user.id, files, form, now)))
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
    evidence = await store.evidence_list(sandbox.db, disputeId)
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
    row = await store.evidence_file(sandbox.db, evidenceId, disputeId)
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
    now = sandbox.clock.time()
    if data.resolution == "REJECTED":
        return await reject_dispute(sandbox, d, data.notes, now)
    return await approve_dispute(sandbox, caller, d, data, now)


ROUTES = [create_dispute, upload_evidence, get_dispute_route, evidence_file, resolve_dispute]
