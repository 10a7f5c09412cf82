"""A ledger on a real SQLite file with a frozen sandbox clock, without the rest of the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.clock import SandboxClock
from app.core.ledger import LedgerService
from app.core.ledger.holds import HOLD_EXPIRY_JOB
from app.core.scheduler import Scheduler
from app.db.database import Database

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[LedgerService]:
    db = Database(tmp_path / "ledger.db", batch_max=256)
    db.open()
    clock = SandboxClock()
    clock.freeze()
    clock.set(T0)
    scheduler = Scheduler(db, clock)
    service = LedgerService(db, clock, scheduler)
    scheduler.register(HOLD_EXPIRY_JOB, service.expire_hold_job)
    try:
        yield service
    finally:
        db.close()
