"""Bearer authentication and Nivo's own rate limits (Litestar dependencies ``caller`` / ``portal_caller``).

A token from any login of the sandbox is accepted (one identity). Tokens issued by Nivo's
``account_type: "user_admin"`` login carry scope ``user_admin`` and open only the User-Admin
portal route ``GET /api/v1/identity/verifications/pending``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request

from app.core.identity.models import User
from app.platforms.nivo.errors import NivoError
from app.registry import SandboxDep
from app.request_scope import header_value
from app.runtime import Sandbox

USER_ADMIN_SCOPE = "user_admin"

# Nivo's gateway limits (the document is silent; see docs/platforms/nivo.md).
REQUESTS_PER_MINUTE = 100  # per authenticated user, every Nivo route
AUTH_ATTEMPTS_PER_MINUTE = 20  # per client IP, register + login


@dataclass(frozen=True)
class NivoCaller:
    user: User
    scope: str
    jti: str


def enforce_rate_limit(sandbox: Sandbox, bucket: str, key: str, limit: int, window: float = 60.0) -> None:
    decision = sandbox.ratelimits.hit(bucket, key, limit, window)
    if not decision.allowed:
        retry = decision.retry_after_from(sandbox.clock.time())
        raise NivoError(
            "RATE_LIMIT_EXCEEDED",
            f"Too many requests; limit is {limit} per {int(window)} seconds, retry in {retry} seconds",
            headers={
                "Retry-After": str(retry),
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(decision.reset_at)),
            },
        )


def client_ip(request: Request[Any, Any, Any]) -> str:
    client = request.client
    return client.host if client is not None else "unknown"


async def _authenticate(request: Request[Any, Any, Any], sandbox: Sandbox) -> NivoCaller:
    header = header_value(request.scope, b"authorization")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise NivoError("UNAUTHORIZED", "Missing or invalid authorization token")
    principal = await sandbox.identity.verify_access(header[7:].strip())
    enforce_rate_limit(sandbox, "nivo:user", principal.user.uuid, REQUESTS_PER_MINUTE)
    return NivoCaller(user=principal.user, scope=principal.scope, jti=principal.jti)


async def provide_caller(request: Request[Any, Any, Any], sandbox: SandboxDep) -> NivoCaller:
    """A signed-in user of the app (User-Admin portal tokens are refused)."""
    caller = await _authenticate(request, sandbox)
    if caller.scope == USER_ADMIN_SCOPE:
        raise NivoError("FORBIDDEN", "User-Admin tokens can only read pending verifications")
    return caller


async def provide_portal_caller(request: Request[Any, Any, Any], sandbox: SandboxDep) -> NivoCaller:
    """A User-Admin portal session (login with ``account_type: "user_admin"``)."""
    caller = await _authenticate(request, sandbox)
    if caller.scope != USER_ADMIN_SCOPE:
        raise NivoError("FORBIDDEN", "This endpoint needs a User-Admin token (login with account_type user_admin)")
    return caller
