"""Drop's rate limits: 10 req/min per IP on auth and money routes, 120/min on rates, 5 failed logins in 15 min.

Windows live in the shared ``sandbox.ratelimits`` (in memory, on the sandbox clock, switchable
off). Every limited response carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset``; a 429 adds ``Retry-After`` and Drop's error envelope.
"""

from __future__ import annotations

import math
from typing import Any

from litestar import Request

from app.platforms.drop.errors import DropError
from app.runtime import Sandbox

AUTH_LIMIT = 10
MONEY_LIMIT = 10
RATES_LIMIT = 120
WINDOW = 60
LOGIN_FAILURES = 5
LOGIN_FAILURE_WINDOW = 15 * 60

_STATE_KEY = "drop_ratelimit_headers"


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def limit_headers(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The rate-limit headers computed for this request (empty when the route is not limited)."""
    headers: dict[str, str] = request.state.get(_STATE_KEY) or {}
    return dict(headers)


def _too_many(headers: dict[str, str], retry_after: int, message: str) -> DropError:
    headers = {**headers, "Retry-After": str(retry_after)}
    return DropError(429, "rate_limited", message, headers=headers, extra={"retryAfter": retry_after})


async def enforce(request: Request[Any, Any, Any], sandbox: Sandbox, group: str, limit: int) -> None:
    """Count this request in ``group`` for the client IP; 429 ``rate_limited`` once over ``limit``/min."""
    decision = sandbox.ratelimits.hit(f"drop:{group}", client_ip(request), limit, WINDOW)
    now = sandbox.clock.time()
    headers = {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(max(0, decision.remaining)),
        "X-RateLimit-Reset": str(math.ceil(decision.reset_at)),
    }
    request.state[_STATE_KEY] = headers
    if not decision.allowed:
        retry = max(1, math.ceil(decision.reset_at - now))
        raise _too_many(headers, retry, f"Too many requests. Please retry after {retry} seconds.")


def _login_key(request: Request[Any, Any, Any], email: str) -> str:
    return f"{client_ip(request)}|{email.strip().lower()}"


async def check_login_lockout(request: Request[Any, Any, Any], sandbox: Sandbox, email: str) -> None:
    """429 when this IP has failed 5 logins for this email within the last 15 minutes (sliding window)."""
    limiter = sandbox.ratelimits
    decision = limiter.peek(
        "drop:login_failed", _login_key(request, email), LOGIN_FAILURES, LOGIN_FAILURE_WINDOW, sliding=True
    )
    if not decision.allowed:
        retry = max(1, math.ceil(decision.reset_at - sandbox.clock.time()))
        raise _too_many(limit_headers(request), retry, "Too many failed login attempts. Please try again later.")


async def record_login_failure(request: Request[Any, Any, Any], sandbox: Sandbox, email: str) -> None:
    sandbox.ratelimits.hit(
        "drop:login_failed", _login_key(request, email), LOGIN_FAILURES, LOGIN_FAILURE_WINDOW, sliding=True
    )


def clear_login_failures(request: Request[Any, Any, Any], sandbox: Sandbox, email: str) -> None:
    """A successful login forgets the failures counted for this IP and email."""
    sandbox.ratelimits.clear("drop:login_failed", _login_key(request, email))
