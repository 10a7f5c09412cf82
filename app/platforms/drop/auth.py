"""Drop sessions: the httpOnly ``drop_token`` cookie (HS256 JWT, 24 h); a Bearer header is accepted too.

Tokens come from the shared identity (``sandbox.identity``), so a token issued by any
platform's login is accepted here and a Drop token is accepted elsewhere. Every login or
refresh is a new session record (a token family); logout revokes all of the user's Drop sessions
(every device) and the session of the token it was called with, never another platform's.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from app.core.errors import Unauthorized
from app.core.identity.models import Principal, User
from app.lean_response import Response
from app.platforms.drop.errors import forbidden, unauthorized
from app.request_scope import header_value
from app.runtime import Sandbox

COOKIE = "drop_token"
SESSION_TTL = 24 * 3600
PLATFORM = "drop"


def token_of(request: Request[Any, Any, Any]) -> str | None:
    """The session token: the cookie first, else ``Authorization: Bearer``."""
    if header_value(request.scope, b"cookie"):
        cookie = request.cookies.get(COOKIE)
        if cookie:
            return cookie
    header = header_value(request.scope, b"authorization")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def current_principal(request: Request[Any, Any, Any], sandbox: Sandbox) -> Principal:
    """The authenticated session (user and token claims), or 401 ``unauthorized`` in Drop's envelope."""
    token = token_of(request)
    if not token:
        raise unauthorized()
    try:
        principal = await sandbox.identity.verify_access(token)
    except Unauthorized as exc:
        raise unauthorized("Session expired" if exc.code == "token_expired" else "Authentication required") from None
    user = principal.user
    if user.status in ("suspended", "locked"):
        raise forbidden(f"Account {user.status}", f"account_{user.status}")
    return principal


async def current_user(request: Request[Any, Any, Any], sandbox: Sandbox) -> User:
    """The authenticated user, or 401 ``unauthorized`` in Drop's envelope."""
    return (await current_principal(request, sandbox)).user


async def end_sessions(sandbox: Sandbox, principal: Principal) -> None:
    """Logout: every Drop session of the user (all devices), and the session of the token presented
    (a token from another platform's login is accepted here, so it is this session too). The user's
    sessions on the other platforms live on: one identity is not one session."""
    await sandbox.identity.revoke_platform(principal.user.id, PLATFORM)
    if principal.claims.get("plat") != PLATFORM:
        await sandbox.identity.revoke(principal.jti)


async def start_session(sandbox: Sandbox, user: User) -> str:
    pair = await sandbox.identity.issue_tokens(user, platform=PLATFORM, ttl=SESSION_TTL)
    return pair.access_token


def set_session_cookie(response: Response[Any], token: str) -> None:
    # Not ``secure``: the sandbox serves plain HTTP on localhost and clients must get the cookie back.
    response.set_cookie(
        key=COOKIE, value=token, max_age=SESSION_TTL, httponly=True, samesite="lax", path="/", secure=False
    )


def clear_session_cookie(response: Response[Any]) -> None:
    response.delete_cookie(key=COOKIE, path="/")


def require_merchant(user: User) -> None:
    if "merchant" not in user.roles:
        raise forbidden("Merchant role required")
