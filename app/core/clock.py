"""The sandbox clock: real time by default; can be frozen, set and advanced.

This module is the only place that reads the machine's time. Everything that expires or
happens later reads ``SandboxClock.now()``. The clock's state (offset, frozen instant) is kept
in ``sandbox_state`` so a restart keeps a shifted clock.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.db.state import set_state_in, state_in

_STATE_KEY = "clock"


def utc_from_ts(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def iso(ts: float | datetime) -> str:
    """ISO-8601 UTC with a Z suffix and second precision (the contracts' format)."""
    if isinstance(ts, datetime):
        return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Rounded to microseconds first, as datetime.fromtimestamp does, then truncated to the second.
    return _iso_second(math.floor(round(ts, 6)))


@functools.lru_cache(maxsize=8192)
def _iso_second(second: int) -> str:
    """Every read renders the same few instants (created_at, last entry): formatted once each."""
    t = time.gmtime(second)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z"


def parse_iso(value: str) -> float:
    """Parse ISO-8601 (``Z`` or offset; a bare date is midnight UTC) into epoch seconds."""
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class SandboxClock:
    """``origin``: where a database with no clock of its own starts (``PAYSANDBOX_CLOCK_START``);
    None starts it at the machine's time. The clock runs from there at real speed."""

    def __init__(self, real: Callable[[], float] = time.time, origin: float | None = None) -> None:
        self._real = real
        self.origin = origin
        self.offset = 0.0 if origin is None else origin - real()
        self.frozen_at: float | None = None
        self._listeners: list[Callable[[], Awaitable[None] | None]] = []

    # -- reading ---------------------------------------------------------------------------
    def time(self) -> float:
        """Epoch seconds on the sandbox clock."""
        if self.frozen_at is not None:
            return self.frozen_at
        return self._real() + self.offset

    def now(self) -> datetime:
        return utc_from_ts(self.time())

    def iso(self) -> str:
        return iso(self.time())

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def state(self) -> dict[str, object]:
        return {"now": self.now().isoformat().replace("+00:00", "Z"), "frozen": self.frozen}

    # -- steering (each returns the new state dict) ------------------------------------------
    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def set(self, ts: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at = ts
        else:
            self.offset = ts - self._real()

    def freeze(self) -> None:
        if self.frozen_at is None:
            self.frozen_at = self.time()

    def resume(self) -> None:
        if self.frozen_at is not None:
            self.offset = self.frozen_at - self._real()
            self.frozen_at = None

    def reset(self) -> None:
        """Back to the start: the origin when one is set (running from it), else the machine's time."""
        self.offset = 0.0 if self.origin is None else self.origin - self._real()
        self.frozen_at = None

    # -- persistence -----------------------------------------------------------------------
    def dump(self) -> str:
        return json.dumps({"offset": self.offset, "frozen_at": self.frozen_at})

    def load_from(self, conn: sqlite3.Connection) -> bool:
        """Load the stored clock; with none stored, reset to the start and return False."""
        stored = state_in(conn, _STATE_KEY)
        if stored is None:
            self.reset()
            return False
        data = json.loads(stored)
        self.offset = float(data.get("offset", 0.0))
        frozen = data.get("frozen_at")
        self.frozen_at = float(frozen) if frozen is not None else None
        return True

    def save_to(self, conn: sqlite3.Connection) -> None:
        set_state_in(conn, _STATE_KEY, self.dump())
