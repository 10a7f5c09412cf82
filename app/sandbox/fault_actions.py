"""What a fired fault rule does to an ASGI call: hold it, answer an error, or cut the connection.

``drop_connection(send)``: under uvicorn the ``send`` the edge receives is a bound method of
uvicorn's ``RequestResponseCycle`` (h11 and httptools alike), whose ``transport`` is aborted: the
client sees the connection reset with no response. The coroutine then yields to the loop a few
times so uvicorn's ``connection_lost`` marks the cycle disconnected before the app returns
(uvicorn would otherwise answer the unanswered request with a 500). A server without a transport
(the test client) gets no response at all.

``error_response``: the status in the envelope of the platform that owns the path (its
``PlatformSpec.error_response``, the same renderer its own errors use), the control API's for
every other path. State is untouched: the handler never ran.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.types import Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.sandbox.faults import FaultRule

_REASONS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    408: "Request timeout",
    409: "Conflict",
    422: "Unprocessable entity",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


async def drop_connection(send: Send) -> bool:
    """Abort the client's connection; True when there was a transport to abort."""
    transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        return False
    transport.abort()
    for _ in range(3):
        await asyncio.sleep(0)
    return True


def fault_exception(rule: FaultRule) -> HTTPException:
    detail = rule.message or f"{_REASONS.get(rule.status, 'Error')} (injected by the sandbox)"
    return HTTPException(status_code=rule.status, detail=detail)


def _restate(body: Any, status: int) -> None:
    """An envelope repeating its status (Tribble's ``statusCode``, T-Wallet's ``code``) gets the injected one.

    T-Wallet renders every 5xx as its one documented 500; the injected status is what was asked for.
    """
    if isinstance(body, dict):
        for key in ("statusCode", "code", "status"):
            if isinstance(body.get(key), int) and not isinstance(body.get(key), bool) and body[key] >= 400:
                body[key] = status


async def send_error_response(
    rule: FaultRule, scope: Scope, receive: Receive, send: Send, paths: PlatformPaths, explain: str
) -> None:
    """Answer the request with ``rule.status`` in its platform's envelope (``send`` adds X-Sandbox-Explain)."""
    from app.sandbox.errors import control_error_response

    request: Request[Any, Any, Any] = Request(scope, receive)
    spec = paths.spec_of(scope["path"])
    exc = fault_exception(rule)
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)  # the platforms log a 5xx as "unhandled": this one was asked for
    try:
        response = spec.error_response(request, exc) if spec is not None else control_error_response(request, exc)
    finally:
        logging.disable(previous)
    response.status_code = rule.status
    _restate(response.content, rule.status)
    asgi_response = response.to_asgi_response(app=None, request=request)
    await asgi_response(scope, receive, send)
