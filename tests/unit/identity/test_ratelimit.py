"""The in-memory rate limiter on a steerable sandbox clock."""

from __future__ import annotations

from app.core.clock import SandboxClock
from app.core.ratelimit import TRIBBLE_TIER_LIMITS, RateLimiter


def _limiter(start: float = 1_000_000.0, enabled: bool = True) -> tuple[RateLimiter, SandboxClock]:
    clock = SandboxClock(real=lambda: start)
    clock.freeze()
    return RateLimiter(clock, enabled=enabled), clock


def test_fixed_window_counts_and_resets() -> None:
    limiter, clock = _limiter()
    decisions = [limiter.hit("cashier", "u1", 3, 60) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[0].limit == 3 and decisions[0].reset_at == 1_000_020.0  # aligned to the minute
    assert decisions[3].retry_after_from(clock.time()) == 20
    assert limiter.hit("cashier", "u2", 3, 60).allowed  # keys are separate
    assert limiter.hit("other", "u1", 3, 60).allowed  # buckets are separate
    clock.advance(20)
    assert limiter.hit("cashier", "u1", 3, 60).remaining == 2


def test_sliding_window() -> None:
    limiter, clock = _limiter()
    assert limiter.hit("login", "ip", 2, 900, sliding=True).allowed
    clock.advance(600)
    assert limiter.hit("login", "ip", 2, 900, sliding=True).allowed
    denied = limiter.hit("login", "ip", 2, 900, sliding=True)
    assert not denied.allowed and denied.reset_at == 1_000_900.0
    clock.advance(301)  # first hit left the window
    assert limiter.hit("login", "ip", 2, 900, sliding=True).allowed
    assert not limiter.hit("login", "ip", 2, 900, sliding=True).allowed


def test_peek_and_clear() -> None:
    limiter, _ = _limiter()
    assert limiter.peek("fail", "a", 2, 900).remaining == 2
    limiter.hit("fail", "a", 2, 900)
    limiter.hit("fail", "a", 2, 900)
    assert not limiter.peek("fail", "a", 2, 900).allowed
    limiter.clear("fail", "a")
    assert limiter.peek("fail", "a", 2, 900).allowed
    limiter.hit("fail", "a", 1, 900)
    limiter.reset()
    assert limiter.hit("fail", "a", 1, 900).allowed


def test_disabled_always_allows_and_can_be_switched() -> None:
    limiter, _ = _limiter(enabled=False)
    assert all(limiter.hit("x", "k", 1, 60).allowed for _ in range(50))
    limiter.enabled = True
    assert limiter.hit("x", "k", 1, 60).allowed
    assert not limiter.hit("x", "k", 1, 60).allowed


def test_zero_limit_denies() -> None:
    limiter, _ = _limiter()
    assert not limiter.hit("x", "k", 0, 60).allowed


def test_tribble_tiers() -> None:
    assert TRIBBLE_TIER_LIMITS[0] == (1, 100, 1_000) and TRIBBLE_TIER_LIMITS[3] == (20, 5_000, 100_000)
