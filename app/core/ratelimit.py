"""In-memory rate limits on the sandbox clock, per (bucket, key).

``hit(bucket, key, limit, window_seconds)`` counts one request and says whether it is allowed.
Windows are fixed (aligned to multiples of the window on the sandbox clock) unless
``sliding=True`` (a log of request times over the last window). ``enabled`` starts from
``settings.rate_limits`` and the control API can flip it; when disabled every hit is allowed
and nothing is counted, so load tests run unthrottled.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from app.core.clock import SandboxClock

# Tribble's per-user limits by KYC tier: (per second, per hour, per day).
TRIBBLE_TIER_LIMITS: dict[int, tuple[int, int, int]] = {
    0: (1, 100, 1_000),
    1: (5, 500, 10_000),
    2: (10, 1_000, 50_000),
    3: (20, 5_000, 100_000),
}

_MAX_KEYS = 50_000


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # epoch seconds (sandbox clock) when the window frees up

    def retry_after_from(self, now: float) -> int:
        return 0 if self.allowed else max(1, math.ceil(self.reset_at - now))


class RateLimiter:
    def __init__(self, clock: SandboxClock, *, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self._fixed: dict[tuple[str, str], tuple[float, int]] = {}
        self._sliding: dict[tuple[str, str], deque[float]] = {}

    def hit(self, bucket: str, key: str, limit: int, window_seconds: float, *, sliding: bool = False) -> RateDecision:
        return self._count(bucket, key, limit, window_seconds, sliding=sliding, consume=True)

    def peek(self, bucket: str, key: str, limit: int, window_seconds: float, *, sliding: bool = False) -> RateDecision:
        """The decision a hit would get now, without counting one (e.g. "is this login locked out?")."""
        return self._count(bucket, key, limit, window_seconds, sliding=sliding, consume=False)

    def clear(self, bucket: str, key: str) -> None:
        """Forget a key's count (e.g. failed logins after a successful one)."""
        self._fixed.pop((bucket, key), None)
        self._sliding.pop((bucket, key), None)

    def reset(self) -> None:
        self._fixed.clear()
        self._sliding.clear()

    def _count(self, bucket: str, key: str, limit: int, window: float, *, sliding: bool, consume: bool) -> RateDecision:
        now = self.clock.time()
        window = max(float(window), 1e-3)
        limit = max(int(limit), 0)
        if not self.enabled:
            return RateDecision(True, limit, limit, now + window)
        if sliding:
            return self._sliding_window(bucket, key, limit, window, now, consume)
        start = math.floor(now / window) * window
        reset_at = start + window
        slot = (bucket, key)
        current_start, count = self._fixed.get(slot, (start, 0))
        if current_start != start:
            count = 0
        if count >= limit:
            return RateDecision(False, limit, 0, reset_at)
        if consume:
            count += 1
            if len(self._fixed) >= _MAX_KEYS:
                self._prune(now)
            self._fixed[slot] = (start, count)
        return RateDecision(True, limit, max(0, limit - count), reset_at)

    def _sliding_window(
        self, bucket: str, key: str, limit: int, window: float, now: float, consume: bool
    ) -> RateDecision:
        log = self._sliding.setdefault((bucket, key), deque())
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) >= limit:
            return RateDecision(False, limit, 0, log[0] + window)
        if consume:
            log.append(now)
        reset_at = (log[0] if log else now) + window
        return RateDecision(True, limit, max(0, limit - len(log)), reset_at)

    def _prune(self, now: float) -> None:
        for slot in [s for s, (start, _) in self._fixed.items() if start + 86_400 < now]:
            del self._fixed[slot]
