"""One HTTP request served with the journal recording it and a fault rule (maybe) applied.

With the journal on and no fault, ``app.edge`` records a request with an ``HttpRecorder`` itself
(its ``send``, and ``receive`` for a method with a body, wrap the server's); with fault rules or an
``X-Sandbox-Fault`` header it calls ``serve_observed``, which applies the rule through the same
recorder. Recording is raw (the body as sent, the status, the response's header pairs); one tuple
joins the ring when the request is over, dropped ones too. Requests to the journal's own API
(``/_sandbox/requests``) are not recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
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


def journaled(path: str) -> bool:
    """Whether a request to ``path`` joins the journal: the journal's own API never does (the
    one-character slice is a cached string, so other paths pay one compare)."""
    return path[1:2] != "_" or not path.startswith(UNJOURNALED)


class HttpRecorder:
    """One request's raw record: the server's ``send`` (and ``receive``) wrapped, the tuple kept at the end.

    ``send`` is the server's own (uvicorn's bound ``RequestResponseCycle.send``, whose transport a drop
    aborts); responses get ``id_header`` (X-Request-ID) here, as the edge's plain path adds it. The edge
    makes one per journaled request (its ``send`` and ``receive`` are the wrappers, ``keep`` ends it);
    ``serve_observed`` does the same for a request a fault rule applies to.
    """

    __slots__ = (
        "raw_send",
        "raw_receive",
        "id_header",
        "explain",
        "explain_header",
        "started",
        "clock_time",
        "start",
        "response_body",
        "response_size",
        "request_body",
        "request_size",
        "status",
        "dropped",
    )

    def __init__(
        self, send: Send, receive: Receive, id_header: tuple[bytes, bytes], clock_time: float, explain: str | None
    ) -> None:
        self.raw_send = send
        self.raw_receive = receive
        self.id_header = id_header
        self.explain = explain
        self.explain_header = None if explain is None else (_EXPLAIN, explain.encode("latin-1", "replace"))
        self.clock_time = clock_time
        self.start: Any = None  # the response's http.response.start message, as sent
        self.response_body = self.request_body = b""
        self.response_size = self.request_size = 0
        self.status: int | None = None  # the status a dropped request's handler answered (never sent)
        self.dropped = False
        self.started = perf_counter()

    def send(self, message: Message) -> Awaitable[None]:
        """Not a coroutine: it returns the server's own send to await (one coroutine per send)."""
        if message["type"] == "http.response.start":
            sent = with_request_id(message.get("headers"), self.id_header)
            message["headers"] = sent if self.explain_header is None else (*sent, self.explain_header)
            self.start = message
        else:
            body = message.get("body")
            if body:
                self.response_body = keep_body(self.response_body, body) if self.response_body else body
                self.response_size += len(body)
        return self.raw_send(message)

    async def receive(self) -> Message:
        message = await self.raw_receive()
        body = message.get("body")  # (an http.disconnect has none)
        if body:
            self.request_body = keep_body(self.request_body, body) if self.request_body else body
            self.request_size += len(body)
        return message

    def receiver(self, scope: Scope) -> Receive:
        """A request without a body (GET, HEAD, OPTIONS) has nothing to record on the way in: the
        server's own receive serves it."""
        return self.raw_receive if scope["method"] in _BODILESS else self.receive

    def lost(self, answered: int | None) -> None:
        """A drop: the client got no (complete) response; ``answered`` is what the handler said."""
        self.dropped = True
        if answered is not None:
            self.status = answered

    def keep(self, journal: RequestJournal, scope: Scope, path: str, request_id: str, routed: bool | None) -> None:
        start = self.start
        started = self.started
        journal.keep(
            (
                journal.next_id(),
                HTTP,
                started + WALL_OFFSET,
                self.clock_time,
                scope["method"],
                path,
                scope["query_string"],
                tuple(scope["headers"]),
                request_id,
                self.status if start is None else start["status"],
                started,
                perf_counter(),
                self.request_body,
                self.request_size,
                self.response_body,
                self.response_size,
                None if start is None else tuple(start["headers"]),
                routed,
                scope["state"].get(INVALID_KEY),
                self.explain,
                self.dropped,
                None,
                None,
                None,
            )
        )


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
    """A request of a sandbox with fault rules or an ``X-Sandbox-Fault`` header: ``rule`` the one that
    applies (None: none does), recorded when the sandbox keeps a journal."""
    path = scope["path"]  # read before Litestar may rewrite it
    explain = None if rule is None else rule.explain()
    recorder = HttpRecorder(send, receive, id_header, clock_time, explain)
    try:
        if rule is None:
            await app(scope, recorder.receiver(scope), recorder.send)
        else:
            receiver = recorder.receiver(scope)
            await _apply(rule, app, scope, receiver, send, recorder.send, recorder.lost, paths, explain or "", rng)
    finally:
        if journal is not None and journaled(path):
            routed: bool | None = "route_handler" in scope
            if rule is not None and not routed and rule.action != "delay" and rule.when != "after":
                routed = None  # a fault answered before routing: whether a route fits is unknown, not "no"
            recorder.keep(journal, scope, path, request_id, routed)


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
