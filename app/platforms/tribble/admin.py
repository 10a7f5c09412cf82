"""Admin merchant KYC: approve (settlements get scheduled), reject, and what the pending list shows (review SLA,
risk scores). The admin-only routes are in routes/admin.py."""

from __future__ import annotations

from app.platforms.tribble import settlements
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.merchants import get_merchant
from app.platforms.tribble.store import merchants as store
from app.runtime import Sandbox

REVIEW_SLA_SECONDS = 2 * 86400
RISK_SCORES = {"low": 20, "medium": 35, "high": 70}


async def _set_kyc(
    sandbox: Sandbox, merchant_id: str, status: str, assignments: str, values: tuple[object, ...]
) -> float:
    """Merchant KYC to ``status`` (CONFLICT if already), ``assignments`` set, the instant first. Answers the instant."""
    merchant = await get_merchant(sandbox, merchant_id)
    if merchant["kyc_status"] == status:
        raise TribbleError("CONFLICT", f"Merchant is already {status.lower()}", {"merchantId": merchant_id})
    now = sandbox.clock.time()
    await store.set_kyc(sandbox.db, merchant_id, status, assignments, now, values)
    return now


async def approve(sandbox: Sandbox, merchant_id: str, notes: str = "") -> float:
    """Merchant KYC approved (by an admin, or a fixture): settlements are scheduled. Answers the instant."""
    now = await _set_kyc(
        sandbox,
        merchant_id,
        "APPROVED",
        "approved_at = ?, notes = ?, bank_verified = 1, rejection_reason = NULL, rejection_message = NULL",
        (notes,),
    )
    await settlements.schedule(sandbox, await get_merchant(sandbox, merchant_id))
    return now


async def reject(sandbox: Sandbox, merchant_id: str, reason: str, message: str | None) -> float:
    """Merchant KYC rejected with a reason. Answers the instant."""
    return await _set_kyc(
        sandbox,
        merchant_id,
        "REJECTED",
        "rejected_at = ?, rejection_reason = ?, rejection_message = ?",
        (reason, message),
    )
