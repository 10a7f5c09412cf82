"""One HTTP request served with the journal recording it and a fault rule (maybe) applied.

``app.edge`` calls ``serve_observed`` only when the sandbox has a journal or a fault applies; the
plain path stays as short as before. Recording is raw (local variables: the body as sent, the status,
the response's header pairs); one tuple joins the ring when the request is over, dropped ones too.
Requests to the journal's own API (``/_sandbox/requests``) are not recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.request_scope import with_request_id
from app.sandbox.explain import EXPLAIN_HEADER
from app.sandbox.fault_actions import drop_connection, send_error_response
from app.sandbox.faults import FaultRule
from app.sandbox.journal import HTTP, INVALID_KEY, WALL_OFFSET, RequestJournal, keep_body

# The journal's own API: a console polling it would otherwise fill the ring with its reads.
UNJOURNALED = "/_sandbox/requests"
_EXPLAIN = EXPLAIN_HEADER.lower().encode("latin-1")
_BODILESS = frozenset(("GET", "HEAD", "OPTIONS"))


async def serve_observed(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    journal: RequestJournal | None,
    clock_time: float,
    request_id: str,
    id_header: tuple[bytes, bytes],
    rule: FaultRule | None,
    paths: PlatformPaths,
    rng: Any,
) -> None:
    """``send`` is the server's own (uvicorn's bound ``RequestResponseCycle.send``, whose transport a drop
    aborts); responses get ``id_header`` (X-Request-ID) here, as the edge's plain path adds it."""
    path = scope["path"]  # read before Litestar may rewrite it; the one-character slice is a cached string
    recording = journal is not None and (path[1:2] != "_" or not path.startswith(UNJOURNALED))
    started = perf_counter()
    start: Any = None  # the response's http.response.start message, as sent
    response_body = request_body = b""
    response_size = request_size = 0
    dropped = False
    explain = explain_header = None
    if rule is not None:
        explain = rule.explain()
        explain_header = (_EXPLAIN, explain.encode("latin-1", "replace"))

    async def send_recorded(message: Message) -> None:
        nonlocal start, response_body, response_size
        if message["type"] == "http.response.start":
            sent = with_request_id(message.get("headers"), id_header)
            message["headers"] = sent if explain_header is None else [*sent, explain_header]
            start = message
        else:
            body = message.get("body")
            if body:
                response_body = keep_body(response_body, body) if response_body else body
                response_size += len(body)
        await send(message)

    async def receive_recorded() -> Message:
        nonlocal request_body, request_size
        message = await receive()
        body = message.get("body")  # (an http.disconnect has none)
        if body:
            request_body = keep_body(request_body, body) if request_body else body
            request_size += len(body)
        return message

    # A request without a body (GET, HEAD, OPTIONS) has nothing to record on the way in: the server's
    # own receive serves it.
    inner_receive = receive_recorded if recording and scope["method"] not in _BODILESS else receive
    status: int | None = None
    try:
        if rule is None:
            await app(scope, inner_receive, send_recorded)
        else:

            def lost(answered: int | None) -> None:  # a drop: what the client never got
                nonlocal status, dropped
                dropped = True
                if answered is not None:
                    status = answered

            await _apply(rule, app, scope, inner_receive, send, send_recorded, lost, paths, explain or "", rng)
    finally:
        if recording and journal is not None:
            routed: bool | None = "route_handler" in scope
            if rule is not None and not routed and rule.action != "delay" and rule.when != "after":
                routed = None  # a fault answered before routing: whether a route fits is unknown, not "no"
            journal.keep(
                (
                    journal.next_id(),
                    HTTP,
                    started + WALL_OFFSET,
                    clock_time,
                    scope["method"],
                    path,
                    scope["query_string"],
                    tuple(scope["headers"]),
                    request_id,
                    status if start is None else start["status"],
                    started,
                    perf_counter(),
                    request_body,
                    request_size,
                    response_body,
                    response_size,
                    None if start is None else tuple(start["headers"]),
                    routed,
                    scope["state"].get(INVALID_KEY),
                    explain,
                    dropped,
                    None,
                    None,
                    None,
                )
            )


async def _apply(
    rule: FaultRule,
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    raw_send: Send,
    send: Send,
    lost: Callable[[int | None], None],
    paths: PlatformPaths,
    explain: str,
    rng: Any,
) -> None:
    action = rule.action
    if action == "delay":
        await asyncio.sleep(rule.hold_seconds(rng))
        await app(scope, receive, send)
    elif action == "status":
        await send_error_response(rule, scope, receive, send, paths, explain)
    elif action == "timeout":
        await asyncio.sleep(rule.hold_seconds(rng))
        lost(None)
        await drop_connection(raw_send)
    elif rule.when == "after":
        answered: list[int] = []

        async def swallow(message: Message) -> None:  # the handler answers; the answer never leaves
            if message["type"] == "http.response.start":
                answered.append(message["status"])

        await app(scope, receive, swallow)
        lost(answered[0] if answered else None)
        await drop_connection(raw_send)
    else:
        lost(None)
        await drop_connection(raw_send)
