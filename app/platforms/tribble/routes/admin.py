"""Admin routes: merchants pending KYC, approve, reject (admin role only; the rules are in admin.py)."""

from __future__ import annotations

from litestar import get, post

from app.core.identity.models import Principal
from app.platforms.tribble.admin import REVIEW_SLA_SECONDS, RISK_SCORES, approve, reject
from app.platforms.tribble.errors import invalid
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import ts
from app.platforms.tribble.schemas.merchants import (
    AdminDocument,
    ApprovedOut,
    ApproveIn,
    PendingMerchant,
    PendingMerchantsOut,
    RejectedOut,
    RejectIn,
)
from app.platforms.tribble.security import require_admin
from app.platforms.tribble.store import merchants as store
from app.registry import SandboxDep


@get("/admin/merchants/pending-kyc", summary="Merchants pending KYC approval", tags=["tribble: admin"])
async def pending_kyc(caller: Principal, sandbox: SandboxDep, listing: ListQuery) -> PendingMerchantsOut:
    require_admin(caller.user)
    rows = await store.pending_kyc(sandbox.db)
    page, total = apply(
        rows,
        listing,
        status=lambda r: r["kyc_status"],
        created=lambda r: r["created_at"],
        text=lambda r: (r["business_name"], r["industry"], r["id"], r["tax_id"]),
        sort_keys={"createdAt": lambda r: r["created_at"], "businessName": lambda r: r["business_name"]},
    )
    out = []
    for row in page:
        docs = await store.kyc_documents_of(sandbox.db, row["owner_user_id"])
        documents = [AdminDocument(type=d["document_type"], status=d["status"]) for d in docs]
        documents.append(
            AdminDocument(type="business_registration", status="VERIFIED" if row["tax_id"] else "PENDING_REVIEW")
        )
        out.append(
            PendingMerchant(
                merchant_id=row["id"],
                business_name=row["business_name"],
                submitted_at=ts(row["created_at"]) or "",
                risk_score=RISK_SCORES.get(row["risk_level"], 35),
                next_review=ts(row["created_at"] + REVIEW_SLA_SECONDS) or "",
                documents=documents,
            )
        )
    return PendingMerchantsOut(merchants=out, pagination=listing.page(total))


@post(
    "/admin/merchants/{merchantId:str}/approve",
    status_code=200,
    summary="Approve merchant KYC",
    tags=["tribble: admin"],
)
async def approve_merchant(
    caller: Principal,
    sandbox: SandboxDep,
    merchantId: str,
    data: ApproveIn | None = None,
) -> ApprovedOut:
    require_admin(caller.user)
    now = await approve(sandbox, merchantId, data.notes if data else "")
    return ApprovedOut(
        merchant_id=merchantId,
        kyc_status="APPROVED",
        approved_at=ts(now) or "",
        message="Merchant approved successfully",
    )


@post(
    "/admin/merchants/{merchantId:str}/reject", status_code=200, summary="Reject merchant KYC", tags=["tribble: admin"]
)
async def reject_merchant(
    caller: Principal,
    sandbox: SandboxDep,
    merchantId: str,
    data: RejectIn,
) -> RejectedOut:
    require_admin(caller.user)
    if not data.reason.strip():
        raise invalid("reason", "reason is required")
    now = await reject(sandbox, merchantId, data.reason, data.message)
    return RejectedOut(
        merchant_id=merchantId,
        kyc_status="REJECTED",
        rejection_reason=data.reason,
        rejection_message=data.message,
        rejected_at=ts(now) or "",
        message="Merchant rejected. They can appeal or resubmit.",
    )


ROUTES = [pending_kyc, approve_merchant, reject_merchant]
