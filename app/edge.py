"""The one ASGI layer every HTTP request passes before Litestar routes it.

It does, in one coroutine with one ``send`` wrapper, what used to be three nested layers
(a request-id middleware around Litestar, Litestar's CORS middleware around every route):

- ``DEL`` is routed as ``DELETE`` (T-Wallet's guide documents ``DEL /profile/contact/<id>``);
- ``X-Request-ID`` is echoed on every response, 404/405 included (generated when the client sent
  none) and kept in ``scope["state"]["request_id"]`` for the platforms' error envelopes;
- CORS, when the request carries an ``Origin`` (a browser's cross-origin call): the preflight is
  answered here and the response gets the CORS headers, by Litestar's own CORS rules
  (``CORSConfig``), so requests without an ``Origin`` pay nothing for it;
- the request journal and fault injection (``app.sandbox.observed_http``, ``observed_ws``): when
  the sandbox serving the request keeps a journal, or has fault rules, or the request carries
  ``X-Sandbox-Fault``. With the journal off and no rules, the fault check is two attribute reads;
  with the journal on, a request pays for one tuple and its send wrapper (a receive wrapper too
  when the method may carry a body; raw values only: decoding, redaction and the JWT's user wait
  until the journal is read).

WebSocket scopes get the journal and faults too (``observed_ws``); lifespan passes straight through.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from litestar.config.cors import CORSConfig
from litestar.middleware._internal.cors import CORSMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.request_scope import query_value, sandbox_named, user_key, with_request_id
from app.settings import Settings

if TYPE_CHECKING:
    from app.registry import SandboxRegistry
    from app.runtime import Sandbox
    from app.sandbox.faults import FaultRule

# Generated request ids: a per-process random prefix and a counter (no entropy read per request).
_REQUEST_ID_PREFIX = secrets.token_hex(4)
_request_counter = itertools.count(1)

# The request headers the edge reads (uvicorn hands them over with lower-case names).
_EDGE_HEADERS = frozenset((b"x-request-id", b"origin", b"x-sandbox-workspace", b"x-sandbox-fault"))

# Headers a browser page may read from a cross-origin response.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Sandbox-Explain",
]


def cors_config(settings: Settings) -> CORSConfig | None:
    """Any origin matching the setting may call the sandbox from a browser, cookies included."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=[],
        allow_origin_regex=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
    )


def next_request_id() -> str:
    return f"req_{_REQUEST_ID_PREFIX}{next(_request_counter) & 0xFFFFFFFF:08x}"


def edge_layer(
    app: ASGIApp,
    cors: CORSConfig | None,
    registry: SandboxRegistry | None = None,
    paths: PlatformPaths | None = None,
) -> ASGIApp:
    """Wrap Litestar's ASGI handler (``app.asgi_handler``) in the request edge described above."""
    from app.sandbox.faults import parse_one_off
    from app.sandbox.observed_http import HttpRecorder, journaled, serve_observed
    from app.sandbox.observed_ws import serve_websocket

    with_cors: ASGIApp | None = CORSMiddleware(app=app, config=cors) if cors is not None else None
    platform_paths = paths or PlatformPaths([])

    async def edge(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and registry is not None:
                await serve_websocket(app, scope, receive, send, registry=registry, paths=platform_paths)
                return
            await app(scope, receive, send)
            return
        if scope["method"] == "DEL":
            scope["method"] = "DELETE"
        sent = None
        has_origin = False
        workspace = None
        fault = None
        for key, value in scope["headers"]:
            if key not in _EDGE_HEADERS:  # one set lookup for each of the other headers, not four compares
                continue
            if key == b"x-request-id":
                sent = value.decode("latin-1")[:200]
            elif key == b"origin":
                has_origin = True
            elif key == b"x-sandbox-workspace":
                workspace = value.decode("latin-1")
            elif key == b"x-sandbox-fault":
                fault = value.decode("latin-1")
        request_id = sent or next_request_id()
        scope["state"]["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode("latin-1"))
        inner = with_cors if has_origin and with_cors is not None else app
        if workspace is None and b"workspace=" in scope["query_string"]:
            workspace = query_value(scope["query_string"], b"workspace")
        if workspace is None:
            sandbox = registry.default if registry is not None else None
        else:
            sandbox = await sandbox_named(registry, workspace)
            if sandbox is not None:
                sandbox.touch()
        if sandbox is not None:  # resolved once: the route's sandbox_for reads it from the scope
            scope["paysandbox.sandbox"] = sandbox  # type: ignore[typeddict-unknown-key]
        path = scope["path"]  # read before Litestar may rewrite it
        if (
            sandbox is None
            or (
                not sandbox.faults.rules
                and fault is None
                # journaled() asked only of /_ paths: every other path joins the journal, with no call
                and (sandbox.journal is None or (path[1:2] == "_" and not journaled(path)))
            )
        ):

            def send_with_id(message: Message) -> Awaitable[None]:
                # Not a coroutine: it returns the server's own send to await (one coroutine per send).
                if message["type"] == "http.response.start":
                    message["headers"] = with_request_id(message.get("headers"), id_header)
                return send(message)

            await inner(scope, receive, send_with_id)
            return
        journal = sandbox.journal
        if journal is not None and fault is None and not sandbox.faults.rules:
            # The journal on, no fault: the recorder's send adds X-Request-ID (one send wrapper, not two).
            recorder = HttpRecorder(send, receive, id_header, sandbox.clock.time(), None)
            try:
                await inner(scope, recorder.receiver(scope), recorder.send)
            finally:
                recorder.keep(journal, scope, path, request_id, "route_handler" in scope)
            return
        rule = None
        try:
            rule = _pick(sandbox, scope, fault, platform_paths)
        except Exception as exc:  # a malformed X-Sandbox-Fault: refused in the platform's envelope

            async def refuse(scope: Scope, receive: Receive, send: Send, exc: Exception = exc) -> None:
                await _refuse_fault(exc, scope, receive, send, platform_paths)

            inner = refuse
        await serve_observed(
            inner,
            scope,
            receive,
            send,
            sandbox.journal,
            sandbox.clock.time(),
            request_id,
            id_header,
            rule,
            platform_paths,
            sandbox.faults.rng,
        )

    def _pick(sandbox: Sandbox, scope: Scope, fault: str | None, paths: PlatformPaths) -> FaultRule | None:
        if fault is not None:
            return parse_one_off(fault)
        return sandbox.faults.pick(
            method=scope["method"],
            path=scope["path"],
            platform_of=paths.platform_of,
            user_of=lambda: user_key(scope),
        )

    return edge


async def _refuse_fault(exc: Exception, scope: Scope, receive: Receive, send: Send, paths: PlatformPaths) -> None:
    from litestar import Request

    from app.sandbox.errors import control_error_response
    from app.sandbox.journal import mark_unmatched

    mark_unmatched(scope, exc)
    request: Request[object, object, object] = Request(scope, receive)
    spec = paths.spec_of(scope["path"])
    response = spec.error_response(request, exc) if spec is not None else control_error_response(request, exc)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)
