"""Merchant settlements on the sandbox clock.

Each approved merchant has a settlement job at its next settlement date (midnight UTC: every
day, every Monday, or the 1st of the month). It pays out the merchant's available balance less
what was captured within the hold period, when that reaches ``minimumAmount``:
merchant -> settlement (the payout to the bank) and merchant -> fees (``settlementFeePercent``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.core.ledger.models import Journal, Leg
from app.core.money import apply_rate
from app.core.scheduler import Job
from app.platforms.tribble import merchants
from app.platforms.tribble.render import new_id
from app.platforms.tribble.store import settlements as store
from app.runtime import Sandbox

SETTLEMENT_JOB = "tribble.merchant_settlement"


def settings_of(merchant: Any) -> dict[str, Any]:
    return {**merchants.DEFAULT_SETTLEMENT, **json.loads(merchant["settlement"] or "{}")}


def next_settlement(now: float, frequency: str) -> float:
    d = datetime.fromtimestamp(now, UTC)
    midnight = datetime(d.year, d.month, d.day, tzinfo=UTC)
    if frequency == "weekly":
        return (midnight + timedelta(days=7 - midnight.weekday())).timestamp()
    if frequency == "monthly":
        year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return datetime(year, month, 1, tzinfo=UTC).timestamp()
    return (midnight + timedelta(days=1)).timestamp()


async def eligible(sandbox: Sandbox, merchant: Any, currency: str) -> tuple[int, int]:
    """(amount that would be paid out now, fee) for one currency."""
    settings = settings_of(merchant)
    account = await merchants.merchant_account(sandbox, merchant, currency)
    cutoff = sandbox.clock.time() - int(settings["holdPeriodDays"]) * 86400
    row = await store.recent_volume(sandbox.db, merchant["id"], currency, cutoff)
    value = max(0, account.available - int(row["recent"] if row else 0))
    if value < int(settings["minimumAmount"]):
        return 0, 0
    fee = apply_rate(value, Decimal(str(settings["settlementFeePercent"])) / Decimal(100))
    return value, fee


async def schedule(sandbox: Sandbox, merchant: Any) -> None:
    due = next_settlement(sandbox.clock.time(), str(settings_of(merchant)["frequency"]))
    await sandbox.scheduler.cancel(f"tribble:settle:{merchant['id']}")
    await sandbox.scheduler.schedule(
        SETTLEMENT_JOB, due, {"merchant_id": merchant["id"]}, ref=f"tribble:settle:{merchant['id']}"
    )


async def settle(sandbox: Sandbox, merchant_id: str, job_key: str) -> None:
    merchant = await merchants.get_merchant(sandbox, merchant_id)
    if merchant["kyc_status"] != "APPROVED":
        return
    accounts = await sandbox.ledger.accounts_of("merchant", int(merchant["seq"]))
    now = sandbox.clock.time()
    for account in accounts:
        value, fee = await eligible(sandbox, merchant, account.currency)
        if value <= 0:
            continue
        bank = await sandbox.ledger.system_account("settlement", account.currency)
        legs = [Leg(account.id, bank.id, value - fee, description="Settlement payout")]
        if fee > 0:
            fees = await sandbox.ledger.system_account("fees", account.currency)
            legs.append(Leg(account.id, fees.id, fee, kind="fee", description="Settlement fee"))
        settlement_id = new_id("settlement")

        def record(
            conn: sqlite3.Connection,
            journal: Journal,
            sid: str = settlement_id,
            cur: str = account.currency,
            net: int = value - fee,
            charged: int = fee,
        ) -> None:
            store.insert_settlement_in(conn, sid, merchant_id, cur, net, charged, journal.id, now)

        try:
            await sandbox.ledger.post(
                "TRANSACTION_TYPE_WITHDRAWAL",
                legs,
                description=f"Tribble settlement {merchant_id}",
                idempotency_key=f"{job_key}:{account.currency}",
                metadata={"platform": "tribble", "merchantId": merchant_id},
                on_posted=record,
            )
        except Exception:  # a refund took the funds in between: try again next time
            continue


def install(sandbox: Sandbox) -> None:
    async def on_settlement(job: Job) -> None:
        merchant_id = str(job.payload["merchant_id"])
        await settle(sandbox, merchant_id, f"tribble:settle:{job.idempotency_key}")
        await schedule(sandbox, await merchants.get_merchant(sandbox, merchant_id))

    async def ensure_scheduled(box: Sandbox) -> None:
        """Approved merchants without a pending settlement job (seeded ones, say) get one."""
        rows = await store.unscheduled_merchants(box.db)
        for merchant in rows:
            await schedule(box, merchant)

    sandbox.scheduler.register(SETTLEMENT_JOB, on_settlement)
    sandbox.on_start(ensure_scheduled)
