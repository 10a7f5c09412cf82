"""Bearer authentication and the per-KYC-tier rate limits of Tribble.

``provide_caller`` is the dependency of every authenticated route (``caller: Principal``).
``rate_limit_middleware`` wraps every Tribble route: it counts the request against the caller's
tier windows (1 s / 1 h / 1 day), answers the documented 429 body when one is exhausted, and
adds ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` (the hourly window, or the exhausted one)
to every response.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec
from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.identity.models import Principal, User
from app.platforms.tribble.errors import TribbleError, from_domain
from app.registry import SandboxDep, sandbox_for
from app.request_scope import header_value
from app.runtime import Sandbox

PLATFORM = "tribble"
ACCESS_TTL = 86400
REFRESH_TTL = 30 * 86400
_SCOPE_PRINCIPAL = "tribble.principal"
_SCOPE_AUTH_ERROR = "tribble.auth_error"

# Tier -> (requests/second, requests/hour, requests/day), as documented.
TIER_LIMITS: dict[int, tuple[int, int, int]] = {
    0: (1, 100, 1_000),
    1: (5, 500, 10_000),
    2: (10, 1_000, 50_000),
    3: (20, 5_000, 100_000),
}
# Requests without a valid token are counted per client IP at the Tier 3 limits.
ANONYMOUS_TIER = 3


def bearer_token(raw: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value, None for anything else."""
    if not raw:
        return None
    parts = raw.split(None, 1)
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1].strip() or None
    return None


async def _authenticate(sandbox: Sandbox, scope: Scope) -> Principal | None:
    """Verify the bearer token once per request (cached in the scope)."""
    if _SCOPE_PRINCIPAL in scope:
        return scope[_SCOPE_PRINCIPAL]  # type: ignore[literal-required,no-any-return]
    token = bearer_token(header_value(scope, b"authorization"))
    principal: Principal | None = None
    if token is None:
        scope[_SCOPE_AUTH_ERROR] = TribbleError("UNAUTHORIZED", "Missing or invalid authentication")  # type: ignore[literal-required]
    else:
        try:
            principal = await sandbox.identity.verify_access(token)
        except DomainError as exc:
            scope[_SCOPE_AUTH_ERROR] = from_domain(exc)  # type: ignore[literal-required]
            principal = None
    scope[_SCOPE_PRINCIPAL] = principal  # type: ignore[literal-required]
    return principal


async def provide_caller(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Principal:
    """Dependency: the authenticated caller, or 401 UNAUTHORIZED in Tribble's envelope.

    It takes ``sandbox`` so Litestar resolves the two one after the other: independent dependencies
    of a handler run in an anyio task group, which costs more than both lookups together.
    """
    principal = await _authenticate(sandbox, request.scope)
    if principal is None:
        err = request.scope.get(_SCOPE_AUTH_ERROR)  # type: ignore[call-overload]
        raise err if isinstance(err, TribbleError) else TribbleError("UNAUTHORIZED", "Missing authentication")
    if principal.user.status in {"locked", "suspended"}:
        raise TribbleError("FORBIDDEN", f"Account is {principal.user.status}")
    return principal


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise TribbleError("FORBIDDEN", "Insufficient permissions", {"requiredRole": "admin"})


def _client_ip(scope: Scope) -> str:
    forwarded = header_value(scope, b"x-forwarded-for")
    if forwarded:
        return str(forwarded.split(",")[0].strip())
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _hit_windows(limiter: Any, key: str, tier: int) -> tuple[Any, Any]:
    """Count one request in every window of the tier: (the hourly decision, the first refusal or None)."""
    shown = None
    denied = None
    for window, limit in zip((1, 3600, 86400), TIER_LIMITS[tier], strict=True):
        decision = limiter.hit(f"tribble:{window}", key, limit, window)
        if window == 3600:
            shown = decision
        if not decision.allowed and denied is None:
            denied = decision
    return shown, denied


def _rate_headers(report: Any) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(report.limit).encode()),
        (b"x-ratelimit-remaining", str(max(0, report.remaining)).encode()),
        (b"x-ratelimit-reset", str(int(math.ceil(report.reset_at))).encode()),
    ]


async def _send_rate_limited(
    send: Send, scope: Scope, sandbox: Sandbox, denied: Any, tier: int, rate_headers: list[tuple[bytes, bytes]]
) -> None:
    """The documented 429 body, with Retry-After and the X-RateLimit-* headers of the exhausted window."""
    now = sandbox.clock.time()
    retry_after = max(1, int(math.ceil(denied.reset_at - now)))
    body = msgspec.json.encode(
        {
            "statusCode": 429,
            "errorCode": "RATE_LIMITED",
            "message": "Too many requests. Please try again later.",
            "retryAfter": retry_after,
            "resetAt": iso(denied.reset_at),
            "details": {"limit": denied.limit, "tier": tier},
            "timestamp": iso(now),
            "requestId": str((scope.get("state") or {}).get("request_id", "")),
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
                *rate_headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def rate_limit_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        sandbox = await sandbox_for(scope)
        limiter = getattr(sandbox, "ratelimits", None)
        if limiter is None or not limiter.enabled:
            await app(scope, receive, send)
            return
        principal = await _authenticate(sandbox, scope)
        if principal is not None:
            tier = max(0, min(3, principal.user.kyc_tier))
            key = f"user:{principal.user.id}"
        else:
            tier = ANONYMOUS_TIER
            key = f"ip:{_client_ip(scope)}"
        shown, denied = _hit_windows(limiter, key, tier)
        report = denied or shown
        assert report is not None
        rate_headers = _rate_headers(report)
        if denied is not None:
            await _send_rate_limited(send, scope, sandbox, denied, tier, rate_headers)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *rate_headers]
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
