"""``X-Authorization`` authentication (a guard, so it runs before the body is parsed).

Blank or missing header -> 401 ``Unauthorized``; an expired token -> 498 ``Token has expired``;
any other invalid token (bad signature, revoked, deleted user, ``alg: none``) -> 403
``"<operation> request requires user authentication"`` (``find`` on ``/contact``, as documented).
``GuardedController`` is the base of every T-Wallet controller: the guard, the ``user`` dependency
and the OpenAPI tag.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from app.core.errors import DomainError
from app.core.identity.models import User
from app.platforms.twallet.errors import (
    TOKEN_EXPIRED_BODY,
    TOKEN_EXPIRED_STATUS,
    UNAUTHORIZED_BODY,
    TWalletError,
)
from app.registry import SandboxDep, sandbox_for

_SCOPE_USER = "twallet.user"
HEADER = "x-authorization"


async def require_token(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    raw = (connection.headers.get(HEADER) or "").strip()
    if raw[:7].lower() == "bearer " or raw.lower() == "bearer":
        raw = raw[6:].strip()
    if not raw:
        raise TWalletError(401, UNAUTHORIZED_BODY, plain=True)
    operation = str(handler.opt.get("twallet_op", "profile"))
    sandbox = await sandbox_for(connection.scope)
    try:
        principal = await sandbox.identity.verify_access(raw)
    except DomainError as exc:
        if exc.code == "token_expired":
            raise TWalletError(TOKEN_EXPIRED_STATUS, TOKEN_EXPIRED_BODY, plain=True) from exc
        raise TWalletError(403, f"{operation} request requires user authentication", plain=True) from exc
    if principal.user.status in {"locked", "suspended"}:
        raise TWalletError(403, f"account is {principal.user.status}")
    connection.scope[_SCOPE_USER] = principal.user  # type: ignore[literal-required]


async def provide_user(request: Request[Any, Any, Any], sandbox: SandboxDep) -> User:
    """Dependency ``user``: the caller authenticated by ``require_token``.

    Declared after ``sandbox`` so Litestar resolves the two one after the other: independent
    dependencies of a handler run in an anyio task group, which costs more than both lookups.
    """
    user: User = request.scope[_SCOPE_USER]
    return user


class GuardedController(Controller):
    """A T-Wallet controller: every route behind ``require_token``, with the caller as ``user``."""

    guards = [require_token]
    dependencies = {"user": provide_user}
    tags = ["T-Wallet"]
