"""KYC documents, the tier limits, and the simulated reviewer.

Tiers: an identity document approves tier 1; identity + proof of address tier 2; identity +
address + selfie (or business registration) tier 3. The reviewer is a scheduler job that runs
``review_seconds`` after a submission on the sandbox clock (an OCR ``idNumber`` of all zeros is
rejected). Limits are in NGN major units; other currencies are converted at the FX rate.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.core import tunables
from app.core.errors import ValidationFailed
from app.core.fx import cross_rate_in
from app.core.money import convert, exponent
from app.core.scheduler import Job
from app.core.tunables import Tunable
from app.db.state import set_state_in, state_in
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.render import ts
from app.platforms.tribble.schemas import KycDocument, KycLimits, KycStatusOut
from app.platforms.tribble.store import kyc as store
from app.runtime import Sandbox

DOCUMENT_TYPES = (
    "national_id",
    "passport",
    "drivers_license",
    "voters_card",
    "bvn",
    "proof_of_address",
    "selfie",
    "business_registration",
)
IDENTITY_DOCS = {"national_id", "passport", "drivers_license", "voters_card", "bvn"}
REVIEW_JOB = "tribble.kyc_review"
REVIEW_SECONDS_KEY = "tribble.kyc_review_seconds"
DEFAULT_REVIEW_SECONDS = 60.0

# tier -> (daily limit, monthly limit) in NGN major units, transactions per day.
TIER_LIMITS: dict[int, tuple[int, int, int]] = {
    0: (20_000, 100_000, 5),
    1: (100_000, 1_000_000, 20),
    2: (500_000, 5_000_000, 50),
    3: (5_000_000, 50_000_000, 200),
}


def limits_of(tier: int) -> KycLimits:
    daily, monthly, per_day = TIER_LIMITS[max(0, min(3, tier))]
    return KycLimits(daily_limit=float(daily), monthly_limit=float(monthly), transactions_per_day=per_day)


def tier_for(document_types: set[str]) -> int:
    if not document_types & IDENTITY_DOCS:
        return 0
    if "proof_of_address" not in document_types:
        return 1
    if {"selfie", "business_registration"} & document_types:
        return 3
    return 2


async def status_of(sandbox: Sandbox, user_id: int) -> KycStatusOut:
    user = await sandbox.identity.get_user(user_id)
    if user is None:
        raise TribbleError("NOT_FOUND", "User not found")
    rows = await sandbox.db.read(lambda conn: store.documents_of_user(conn, user_id))
    documents = []
    for row in rows:
        status = row["status"]
        if status == "PENDING_REVIEW" and user.kyc_status == "approved":
            status = "VERIFIED"  # approved out of band (control API)
        documents.append(
            KycDocument(
                document_type=row["document_type"],
                status=status,
                uploaded_at=ts(row["uploaded_at"]) or "",
                verified_at=ts(row["verified_at"]),
            )
        )
    submitted = min((r["uploaded_at"] for r in rows), default=None)
    verified = [r["verified_at"] for r in rows if r["verified_at"] is not None]
    approved_at = max(verified) if verified and user.kyc_status == "approved" else None
    return KycStatusOut(
        kyc_status=user.kyc_status.upper(),
        kyc_tier=user.kyc_tier,
        submitted_at=ts(submitted),
        approved_at=ts(approved_at),
        documents=documents,
        limits=limits_of(user.kyc_tier),
    )


async def review_delay(sandbox: Sandbox) -> float:
    stored = await sandbox.db.read(lambda conn: state_in(conn, REVIEW_SECONDS_KEY))
    if stored is None:
        return DEFAULT_REVIEW_SECONDS
    try:
        return max(0.0, float(stored))
    except ValueError:
        return DEFAULT_REVIEW_SECONDS


async def schedule_review(sandbox: Sandbox, user_id: int, submission_id: str) -> None:
    delay = await review_delay(sandbox)
    await sandbox.scheduler.schedule_after(
        REVIEW_JOB, delay, {"user_id": user_id, "submission_id": submission_id}, ref=f"tribble:kyc:{submission_id}"
    )


async def review(sandbox: Sandbox, user_id: int) -> str:
    """Review every pending document of a user; returns the new KYC status."""
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> tuple[str, set[str]]:
        rows = store.pending_documents(conn, user_id)
        rejected = False
        for row in rows:
            ocr = json.loads(row["ocr"] or "{}")
            id_number = str(ocr.get("idNumber", ""))
            bad = bool(id_number) and set(id_number) == {"0"}
            rejected = rejected or bad
            store.set_document_status(conn, row["id"], "REJECTED" if bad else "VERIFIED", now)
        verified = store.verified_types(conn, user_id)
        return ("rejected" if rejected else "approved"), verified

    status, verified = await sandbox.db.write(run)
    user = await sandbox.identity.get_user(user_id)
    if user is None:
        return status
    if status == "approved":
        await sandbox.identity.set_kyc(user_id, "approved", tier=max(user.kyc_tier, tier_for(verified)))
    else:
        await sandbox.identity.set_kyc(user_id, "rejected")
    return status


MAX_REVIEW_SECONDS = 30 * 86_400.0


async def set_review_delay(sandbox: Sandbox, seconds: object) -> float:
    """How long a KYC submission waits for its (simulated) review, on the sandbox clock."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_REVIEW_SECONDS:
        raise ValidationFailed(
            f"kyc_review_seconds must be a number of seconds from 0 to {MAX_REVIEW_SECONDS:.0f}, got {seconds!r}",
            code="invalid_setting",
        )
    value = float(seconds)
    await sandbox.db.write(lambda conn: set_state_in(conn, REVIEW_SECONDS_KEY, repr(value)))
    return value


def _tunable(sandbox: Sandbox) -> Tunable:
    async def read() -> dict[str, Any]:
        return {"kyc_review_seconds": await review_delay(sandbox)}

    async def write(values: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(values) - {"kyc_review_seconds"})
        if unknown:
            raise ValidationFailed(f"unknown Tribble settings: {unknown}; known: ['kyc_review_seconds']")
        if "kyc_review_seconds" in values:
            await set_review_delay(sandbox, values["kyc_review_seconds"])
        return await read()

    return Tunable(
        "tribble",
        "kyc_review_seconds: delay before a submitted KYC document is reviewed (default 60; 0 = next scheduler tick)",
        read,
        write,
    )


def install(sandbox: Sandbox) -> None:
    async def on_review(job: Job) -> None:
        await review(sandbox, int(job.payload["user_id"]))

    sandbox.scheduler.register(REVIEW_JOB, on_review)
    tunables.register(sandbox, _tunable(sandbox))


# -- limits ------------------------------------------------------------------------------------
def _day_start(now: float) -> float:
    d = datetime.fromtimestamp(now, UTC)
    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()


def _month_start(now: float) -> float:
    d = datetime.fromtimestamp(now, UTC)
    return datetime(d.year, d.month, 1, tzinfo=UTC).timestamp()


def _in_ngn_in(conn: sqlite3.Connection, minor: int, currency: str, rates: dict[str, Decimal | None]) -> int:
    """``minor`` of ``currency`` in NGN minor units; ``rates`` keeps each currency's rate for one check
    (one read per currency, not per amount)."""
    if currency == "NGN" or minor == 0:
        return minor
    if currency not in rates:
        try:
            rates[currency] = cross_rate_in(conn, currency, "NGN")  # a limit check, not a conversion: no quote row
        except ValidationFailed:  # no FX rate for this pair: count the amount as if it were NGN
            rates[currency] = None
    rate = rates[currency]
    return minor if rate is None else convert(minor, currency, "NGN", rate)


def _usage_in(
    conn: sqlite3.Connection, user_id: int, month_start: float, day_start: float, minor: int, currency: str
) -> tuple[int, int, int, int]:
    """(today's total, this month's total, today's count, this payment), all in NGN minor units."""
    day_total = month_total = day_count = 0
    rates: dict[str, Decimal | None] = {}
    for row_currency, month_sum, day_sum, count in store.month_totals(conn, user_id, month_start, day_start):
        month_total += _in_ngn_in(conn, int(month_sum), row_currency, rates)
        day_total += _in_ngn_in(conn, int(day_sum), row_currency, rates)
        day_count += int(count)
    return day_total, month_total, day_count, _in_ngn_in(conn, minor, currency, rates)


async def check_limits(sandbox: Sandbox, user_id: int, tier: int, minor: int, currency: str) -> None:
    """KYC_INCOMPLETE when a payment would exceed the caller's tier limits.

    Amounts in other currencies count at the current cross rate, converted per currency total
    (one rounding per currency, not per payment).
    """
    daily, monthly, per_day = TIER_LIMITS[max(0, min(3, tier))]
    now = sandbox.clock.time()
    month_start = _month_start(now)
    day_start = _day_start(now)
    day_total, month_total, day_count, this = sandbox.db.peek(
        lambda conn: _usage_in(conn, user_id, month_start, day_start, minor, currency)
    )
    scale = 10 ** exponent("NGN")
    problem = None
    if day_count + 1 > per_day:
        problem = f"Tier {tier} allows {per_day} transactions per day"
    elif day_total + this > daily * scale:
        problem = f"Tier {tier} daily limit is {daily:,} NGN"
    elif month_total + this > monthly * scale:
        problem = f"Tier {tier} monthly limit is {monthly:,} NGN"
    if problem is not None:
        raise TribbleError(
            "KYC_INCOMPLETE",
            "KYC verification not complete for this operation",
            {
                "reason": problem,
                "kycTier": tier,
                "limits": {"dailyLimit": float(daily), "monthlyLimit": float(monthly), "transactionsPerDay": per_day},
            },
        )
