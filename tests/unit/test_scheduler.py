"""The scheduler: due work fires in order exactly once; stopping never hangs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.core.clock import SandboxClock
from app.core.scheduler import Job, Scheduler
from app.db.database import Database


@pytest.fixture
async def parts(tmp_path: Path):
    db = Database(tmp_path / "s.db")
    db.open()
    clock = SandboxClock()
    clock.freeze()
    try:
        yield db, clock
    finally:
        db.close()


async def test_due_jobs_fire_in_order_once(parts) -> None:
    db, clock = parts
    scheduler = Scheduler(db, clock)
    fired: list[str] = []

    async def handler(job: Job) -> None:
        fired.append(job.payload["name"])

    scheduler.register("t", handler)
    now = clock.time()
    await scheduler.schedule("t", now + 30, {"name": "late"})
    await scheduler.schedule("t", now + 10, {"name": "early"})
    await scheduler.schedule("t", now + 10, {"name": "early-second"})
    assert await scheduler.run_due() == 0
    clock.advance(20)
    assert await scheduler.run_due() == 2
    clock.advance(20)
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0
    assert fired == ["early", "early-second", "late"]


async def test_stop_right_after_wake_does_not_hang(parts) -> None:
    db, clock = parts
    for _ in range(20):
        scheduler = Scheduler(db, clock, poll_interval=0.01)
        await scheduler.start()
        scheduler.wake()
        await asyncio.wait_for(scheduler.stop(), 5)
