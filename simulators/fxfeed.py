"""The FX rate source: drives ``sandbox.ledger.fx`` (one USD table, consistent cross rates).

Fixed by default. With ``drift > 0`` every ``interval_seconds`` on the sandbox clock each
USD rate moves by a uniform random fraction in ``[-drift, +drift]`` (one seedable random
source), so advancing the clock moves rates reproducibly. The configuration lives in
``sandbox_state`` (key ``fx_feed``) and the next tick in ``scheduled_jobs``: both survive restarts.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
from decimal import Decimal
from typing import Any

from app.core.clock import SandboxClock
from app.core.errors import ValidationFailed
from app.core.scheduler import Job, Scheduler, schedule_in
from app.db.state import set_state_in, state_in

FX_TICK_JOB = "simulators.fx_tick"
_STATE_KEY = "fx_feed"
_REF = "fx:tick"
_DEFAULT = {"drift": 0.0, "interval_seconds": 60.0}


def _config_in(conn: sqlite3.Connection) -> dict[str, float]:
    stored = state_in(conn, _STATE_KEY)
    config = dict(_DEFAULT)
    if stored is not None:
        config.update(json.loads(stored))
    return config


class FxFeed:
    """``hub.fx``."""

    def __init__(self, db: Any, clock: SandboxClock, scheduler: Scheduler, rng: random.Random, sandbox: Any) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        self.rng = rng
        self._sandbox = sandbox
        scheduler.register(FX_TICK_JOB, self._on_tick)

    @property
    def _desk(self) -> Any:
        ledger = getattr(self._sandbox, "ledger", None)
        if ledger is None:
            raise ValidationFailed("no ledger installed", code="fx_unavailable")
        return ledger.fx

    async def config(self) -> dict[str, float]:
        result: dict[str, float] = await self.db.read(_config_in)
        return result

    async def configure(self, *, drift: float | None = None, interval_seconds: float | None = None) -> dict[str, float]:
        """Set the drift (0 = fixed rates) and the tick interval; (re)schedules the next tick."""
        for name, value, low, high in (
            ("drift", drift, 0.0, 0.5),
            ("interval_seconds", interval_seconds, 1.0, 86400.0),
        ):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
                raise ValidationFailed(f"{name} must be a number", code="invalid_fx_config")
            if not low <= float(value) <= high:
                raise ValidationFailed(f"{name} must be between {low:g} and {high:g}", code="invalid_fx_config")
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> dict[str, float]:
            config = _config_in(conn)
            if drift is not None:
                config["drift"] = float(drift)
            if interval_seconds is not None:
                config["interval_seconds"] = float(interval_seconds)
            set_state_in(conn, _STATE_KEY, json.dumps(config))
            conn.execute("UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (_REF,))
            if config["drift"] > 0:
                schedule_in(conn, FX_TICK_JOB, now + config["interval_seconds"], {}, now=now, ref=_REF)
            return config

        result: dict[str, float] = await self.db.write(run)
        self.scheduler.wake()
        return result

    async def rates(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = await self._desk.usd_rates()
        return result

    async def set_rates(self, rates: dict[str, Decimal | str | float]) -> dict[str, Decimal]:
        await self._desk.set_usd_rates(rates)
        return await self.rates()

    async def tick(self, drift: float | None = None) -> dict[str, Decimal]:
        """Move every USD rate once by a random fraction within ``drift`` (default: the configured drift)."""
        if drift is None:
            drift = (await self.config())["drift"]
        current = await self.rates()
        moved: dict[str, Decimal | str | float] = {}
        for currency, per_usd in sorted(current.items()):
            if currency == "USD" or drift <= 0:
                continue
            factor = Decimal(str(round(1 + self.rng.uniform(-drift, drift), 6)))
            moved[currency] = Decimal(f"{(per_usd * factor):.6g}")
        if moved:
            await self._desk.set_usd_rates(moved)
        return await self.rates()

    async def _on_tick(self, job: Job) -> None:
        config = await self.config()
        if config["drift"] <= 0:
            return
        await self.tick(config["drift"])
        now = self.clock.time()
        due = max(job.due_at + config["interval_seconds"], now)

        def run(conn: sqlite3.Connection) -> None:
            pending = conn.execute(
                "SELECT 1 FROM scheduled_jobs WHERE ref = ? AND status = 'pending'", (_REF,)
            ).fetchone()
            if pending is None:
                schedule_in(conn, FX_TICK_JOB, due, {}, now=now, ref=_REF)

        await self.db.write(run)
