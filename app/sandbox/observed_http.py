"""One HTTP request served with the journal recording it and a fault rule (maybe) applied.

``app.edge`` calls ``serve_observed`` only when the sandbox has a journal or a fault applies; the
plain path stays as short as before. Recording is raw (``JournalEntry``: body chunks, the status,
the response's header list); the entry joins the ring when the request is over, dropped ones too.
Requests to the journal's own API (``/_sandbox/requests``) are not recorded.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.sandbox.explain import EXPLAIN_HEADER
from app.sandbox.fault_actions import drop_connection, send_error_response
from app.sandbox.faults import FaultRule
from app.sandbox.journal import HTTP, INVALID_KEY, JournalEntry, RequestJournal

# The journal's own API: a console polling it would otherwise fill the ring with its reads.
UNJOURNALED = "/_sandbox/requests"
_EXPLAIN = EXPLAIN_HEADER.lower().encode("latin-1")


async def serve_observed(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    journal: RequestJournal | None,
    clock_time: float,
    request_id: str,
    rule: FaultRule | None,
    paths: PlatformPaths,
    rng: Any,
    server_send: Send | None = None,
) -> None:
    """``send`` is the edge's (it adds X-Request-ID); ``server_send`` the server's own, whose transport a drop
    aborts (uvicorn's bound ``RequestResponseCycle.send``)."""
    entry: JournalEntry | None = None
    if journal is not None and not scope["path"].startswith(UNJOURNALED):
        entry = JournalEntry(
            HTTP, scope["method"], scope["path"], scope["query_string"], scope["headers"], time.time(), clock_time
        )
        entry.request_id = request_id
        inner_receive = _recording_receive(receive, entry)
    else:
        inner_receive = receive
    explain = rule.explain() if rule is not None else None
    explain_header = (_EXPLAIN, explain.encode("latin-1", "replace")) if explain else None

    async def send_recorded(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if explain_header is not None:
                message["headers"] = [*message.get("headers", []), explain_header]
            if entry is not None:
                entry.status = message["status"]
                entry.response_headers = message.get("headers")
        elif kind == "http.response.body" and entry is not None:
            body = message.get("body")
            if body:
                entry.add_response_body(body)
        await send(message)

    try:
        if rule is None:
            await app(scope, inner_receive, send_recorded)
        else:
            if entry is not None:
                entry.injected = explain
            raw = server_send or send
            await _apply(rule, app, scope, inner_receive, raw, send_recorded, entry, paths, explain or "", rng)
    finally:
        if entry is not None:
            entry.finished = time.perf_counter()
            # A fault answered before routing: whether a route fits is unknown (None), not "no".
            routed = "route_handler" in scope
            entry.routed = routed if routed or rule is None or rule.action == "delay" or rule.when == "after" else None
            entry.invalid = scope["state"].get(INVALID_KEY)
            if journal is not None:
                journal.add(entry)


async def _apply(
    rule: FaultRule,
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    raw_send: Send,
    send: Send,
    entry: JournalEntry | None,
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
        await _drop(raw_send, entry)
    elif rule.when == "after":

        async def lost(message: Message) -> None:  # the handler answers; the answer never leaves
            if entry is not None and message["type"] == "http.response.start":
                entry.status = message["status"]

        await app(scope, receive, lost)
        await _drop(raw_send, entry)
    else:
        await _drop(raw_send, entry)


async def _drop(send: Send, entry: JournalEntry | None) -> None:
    if entry is not None:
        entry.dropped = True
    await drop_connection(send)


def _recording_receive(receive: Receive, entry: JournalEntry) -> Receive:
    async def receive_recorded() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            body = message.get("body")
            if body:
                entry.add_request_body(body)
        return message

    return receive_recorded
