"""One HTTP request served with the journal recording it and a fault rule (maybe) applied.

``app.edge`` calls ``serve_observed`` only when the sandbox has a journal or a fault applies; the
plain path stays as short as before. Recording is raw (local variables: the body as sent, the status,
the response's header pairs); one tuple joins the ring when the request is over, dropped ones too.
Requests to the journal's own API (``/_sandbox/requests``) are not recorded.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.sandbox.explain import EXPLAIN_HEADER
from app.sandbox.fault_actions import drop_connection, send_error_response
from app.sandbox.faults import FaultRule
from app.sandbox.journal import HTTP, INVALID_KEY, WALL_OFFSET, RequestJournal, as_tuple, keep_body

# The journal's own API: a console polling it would otherwise fill the ring with its reads.
UNJOURNALED = "/_sandbox/requests"
_EXPLAIN = EXPLAIN_HEADER.lower().encode("latin-1")


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
    method, path, query, headers = scope["method"], scope["path"], scope["query_string"], scope["headers"]
    recording = journal is not None and not path.startswith(UNJOURNALED)  # (Litestar may rewrite scope["path"])
    started = time.perf_counter()
    status: int | None = None
    response_headers: Any = None
    response_body = b""
    response_size = 0
    request_body = b""
    request_size = 0
    dropped = False
    explain = rule.explain() if rule is not None else None
    explain_header = (_EXPLAIN, explain.encode("latin-1", "replace")) if explain else None

    async def send_recorded(message: Message) -> None:
        nonlocal status, response_headers, response_body, response_size
        kind = message["type"]
        if kind == "http.response.start":
            sent = message.get("headers") or []
            if not any(k.lower() == b"x-request-id" for k, _ in sent):
                sent = [*sent, id_header]
            if explain_header is not None:
                sent = [*sent, explain_header]
            message["headers"] = sent
            status, response_headers = message["status"], sent
        elif kind == "http.response.body":
            body = message.get("body")
            if body:
                response_body = keep_body(response_body, body)
                response_size += len(body)
        await send(message)

    async def receive_recorded() -> Message:
        nonlocal request_body, request_size
        message = await receive()
        if message["type"] == "http.request":
            body = message.get("body")
            if body:
                request_body = keep_body(request_body, body)
                request_size += len(body)
        return message

    def lost(answered: int | None) -> None:  # a drop: what the client never got
        nonlocal status, dropped
        dropped = True
        if answered is not None:
            status = answered

    try:
        if rule is None:
            await app(scope, receive_recorded if recording else receive, send_recorded)
        else:
            inner_receive = receive_recorded if recording else receive
            await _apply(rule, app, scope, inner_receive, send, send_recorded, lost, paths, explain or "", rng)
    finally:
        if recording and journal is not None:
            # A fault answered before routing: whether a route fits is unknown (None), not "no".
            routed: bool | None = "route_handler" in scope
            if not routed and rule is not None and rule.action != "delay" and rule.when != "after":
                routed = None
            journal.keep(
                (
                    journal.next_id(),
                    HTTP,
                    started + WALL_OFFSET,
                    clock_time,
                    method,
                    path,
                    query,
                    tuple(headers),
                    request_id,
                    status,
                    started,
                    time.perf_counter(),
                    request_body,
                    request_size,
                    response_body,
                    response_size,
                    as_tuple(response_headers),
                    routed,
                    scope["state"].get(INVALID_KEY),
                    explain if rule is not None else None,
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
