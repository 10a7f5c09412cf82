"""Optional guard of /_sandbox: when PAYSANDBOX_CONTROL_TOKEN is set, every control call needs it.

Accepted forms: ``Authorization: Bearer <token>``, ``X-Sandbox-Token: <token>``; for the web
console in a browser (which cannot set headers) also ``?token=<token>`` once, which sets the
``sandbox_token`` cookie (httpOnly, SameSite=Strict) for the following page loads and fetches.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

TOKEN_HEADER = "x-sandbox-token"
TOKEN_COOKIE = "sandbox_token"
TOKEN_QUERY = "token"


def presented_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    auth = connection.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    header = connection.headers.get(TOKEN_HEADER)
    if header:
        return header.strip()
    query = connection.query_params.get(TOKEN_QUERY)
    if query:
        return query
    return connection.cookies.get(TOKEN_COOKIE)


def expected_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    settings = getattr(connection.app.state, "settings", None)
    return str(getattr(settings, "control_token", "") or "")


def control_token_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    expected = expected_token(connection)
    if not expected:
        return
    token = presented_token(connection)
    if token is None:
        raise NotAuthorizedException(
            "The control API requires the sandbox control token (Authorization: Bearer <token> or X-Sandbox-Token)"
        )
    if not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8")):
        raise NotAuthorizedException("Invalid sandbox control token")
