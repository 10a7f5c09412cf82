"""The sandbox clock's origin (PAYSANDBOX_CLOCK_START): where a database with no clock starts, running."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app.core.clock import SandboxClock, parse_iso
from app.runtime import Sandbox
from app.settings import Settings
from tests.conftest import TEST_NOW
from tests.support.sandboxes import started_sandbox

ORIGIN = parse_iso("2027-01-31T23:59:30Z")


class FakeWall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_clock_with_an_origin_starts_there_and_runs_at_real_speed() -> None:
    wall = FakeWall(parse_iso("2026-12-06T12:00:00Z"))
    clock = SandboxClock(wall, origin=ORIGIN)
    assert clock.time() == ORIGIN and not clock.frozen
    wall.now += 45
    assert clock.iso() == "2027-02-01T00:00:15Z"
    clock.advance(3600)
    clock.reset()  # back to the origin, running again
    assert clock.time() == ORIGIN


def test_without_an_origin_the_clock_is_the_machines() -> None:
    wall = FakeWall(1_800_000_000.0)
    clock = SandboxClock(wall)
    assert clock.time() == 1_800_000_000.0
    clock.advance(10)
    clock.reset()
    assert clock.time() == 1_800_000_000.0


def test_load_from_says_whether_a_clock_was_stored() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE sandbox_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    clock = SandboxClock(FakeWall(0.0), origin=ORIGIN)
    assert clock.load_from(conn) is False and clock.time() == ORIGIN
    clock.advance(60)
    clock.save_to(conn)
    again = SandboxClock(FakeWall(0.0), origin=ORIGIN)
    assert again.load_from(conn) is True and again.time() == ORIGIN + 60


def test_a_bad_clock_start_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="PAYSANDBOX_CLOCK_START"):
        Settings.load(env={"PAYSANDBOX_CLOCK_START": "next tuesday"})


async def test_a_restart_goes_on_from_where_the_clock_was_not_from_the_origin(tmp_path: Path) -> None:
    settings = Settings.load(env={}, db=tmp_path / "s.db", clock_start="2027-01-31T23:59:30Z", scheduler=False)
    async with started_sandbox(settings) as box:
        assert abs(box.clock.time() - ORIGIN) < 60
        box.clock.advance(86_400)
        await box.save_clock()
    restarted = Sandbox(settings, settings.db)
    await restarted.start()
    try:
        assert restarted.clock.time() - ORIGIN >= 86_400
    finally:
        await restarted.stop()
    # And with no steering at all, the origin is stored at the first start.
    fresh = Settings.load(env={}, db=tmp_path / "t.db", clock_start="2027-01-31T23:59:30Z", scheduler=False)
    async with started_sandbox(fresh):
        pass
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("SELECT count(*) FROM sandbox_state WHERE key = 'clock'").fetchone()[0] == 1
    conn.close()


def test_the_suite_runs_at_its_fixed_instant(settings: Settings) -> None:
    """Every sandbox a test starts is anchored at TEST_NOW, never at today's date."""
    assert settings.clock_start == TEST_NOW
    assert SandboxClock(origin=parse_iso(settings.clock_start)).time() - parse_iso(TEST_NOW) < 60


def test_the_calendar_guard_moves_the_wall_clock_too() -> None:
    moved = os.environ.get("PAYSANDBOX_TEST_NOW", "").strip()
    if not moved:
        pytest.skip("runs in the calendar guard (PAYSANDBOX_TEST_NOW set by .ci/run)")
    assert 0 <= time.time() - parse_iso(moved) < 600
