"""/_sandbox/clock: read, freeze, resume, set and advance the sandbox clock.

Every change is saved to the database (a restart keeps it) and fires the work that became due
before the answer, so a client sees the consequences of ``advance`` as soon as it returns.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from litestar import Controller, get, post
from litestar.status_codes import HTTP_200_OK

from app.core.clock import parse_iso
from app.core.errors import ValidationFailed
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox.schemas import ClockAdvance, ClockSet, ClockState

_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC).timestamp()
_LATEST = datetime(9000, 1, 1, tzinfo=UTC).timestamp()


def clock_state(sandbox: Sandbox) -> ClockState:
    state = sandbox.clock.state()
    return ClockState(now=str(state["now"]), frozen=bool(state["frozen"]))


async def _commit(sandbox: Sandbox) -> ClockState:
    await sandbox.save_clock()
    await sandbox.scheduler.run_due()
    return clock_state(sandbox)


def _check_range(ts: float) -> None:
    if not math.isfinite(ts) or not _EARLIEST <= ts <= _LATEST:
        raise ValidationFailed("The clock must stay between 1971 and 9000", code="clock_out_of_range")


class ClockController(Controller):
    path = "/clock"
    tags = ["sandbox: clock"]

    @get("/", summary="Read the sandbox clock")
    async def read_clock(self, sandbox: SandboxDep) -> ClockState:
        return clock_state(sandbox)

    @post("/advance", status_code=HTTP_200_OK, summary="Advance the clock and fire what became due, in order")
    async def advance_clock(self, sandbox: SandboxDep, data: ClockAdvance) -> ClockState:
        _check_range(sandbox.clock.time() + data.seconds)
        sandbox.clock.advance(data.seconds)
        return await _commit(sandbox)

    @post("/freeze", status_code=HTTP_200_OK, summary="Stop the clock at its current instant")
    async def freeze_clock(self, sandbox: SandboxDep) -> ClockState:
        sandbox.clock.freeze()
        return await _commit(sandbox)

    @post("/resume", status_code=HTTP_200_OK, summary="Let a frozen clock run again from where it stopped")
    async def resume_clock(self, sandbox: SandboxDep) -> ClockState:
        sandbox.clock.resume()
        return await _commit(sandbox)

    @post("/set", status_code=HTTP_200_OK, summary="Set the clock to an ISO-8601 instant (frozen stays frozen)")
    async def set_clock(self, sandbox: SandboxDep, data: ClockSet) -> ClockState:
        try:
            ts = parse_iso(data.time)
        except (ValueError, OverflowError) as exc:
            raise ValidationFailed(
                f"Invalid time {data.time!r}: expected ISO-8601 such as 2026-01-31T12:00:00Z", code="invalid_time"
            ) from exc
        _check_range(ts)
        sandbox.clock.set(ts)
        return await _commit(sandbox)
