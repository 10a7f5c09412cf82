"""Approved merchants written straight into the database (the seeder) get a settlement job at start."""

from __future__ import annotations

from app.runtime import Sandbox
from app.settings import Settings


async def test_seeded_approved_merchant_gets_a_settlement_job(settings: Settings) -> None:
    box = Sandbox(settings, settings.db)
    await box.start()
    try:
        now = box.clock.time()
        await box.db.execute(
            "INSERT INTO tribble_merchants (id, seq, owner_user_id, business_name, kyc_status, created_at)"
            " VALUES ('merchant-seeded', 1, 1, 'Seeded', 'APPROVED', ?)",
            (now,),
        )
    finally:
        await box.stop()
    again = Sandbox(settings, settings.db)
    await again.start()
    try:
        jobs = await again.scheduler.pending("tribble:settle:merchant-seeded")
        assert len(jobs) == 1 and jobs[0]["due_at"] > again.clock.time()
    finally:
        await again.stop()
    third = Sandbox(settings, settings.db)
    await third.start()
    try:  # not scheduled twice
        assert len(await third.scheduler.pending("tribble:settle:merchant-seeded")) == 1
    finally:
        await third.stop()
