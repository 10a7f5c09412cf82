"""A WebSocket (Cashier's, Socket.IO's) with every frame journaled and fault rules applied.

Journal entries: ``ws_open`` for the upgrade (status 101 when accepted, 403 when refused),
``ws_in`` / ``ws_out`` for each frame (the frame kept raw; its ``type`` or Socket.IO event name is
read when the journal is), ``ws_close`` with the close code.

Faults, on the upgrade (rules without ``ws_type``, or ``?sandbox_fault=`` / ``X-Sandbox-Fault``):
``delay`` holds the upgrade; ``status`` refuses it (HTTP ``status`` when the server supports
ASGI's WebSocket denial response, else 403); ``drop`` accepts it and closes it at once with
``close_code``; ``timeout`` holds it ``ms``, then closes it the same way (for both, the handler
never runs). On frames (rules with a
``ws_type``: a Cashier message type such as ``transfer``, or a Socket.IO event such as
``subscribe``): ``delay`` holds the frame before the handler sees it; ``drop``/``status``/
``timeout`` close the socket with ``close_code`` instead of delivering it (``timeout`` after
``ms``); ``drop`` with ``when: after`` delivers it and closes the socket in place of the reply,
which is lost.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.platform_paths import PlatformPaths
from app.request_scope import query_value, sandbox_named, user_key
from app.sandbox.faults import FaultRule, parse_one_off
from app.sandbox.journal import WALL_OFFSET, WS_CLOSE, WS_IN, WS_OPEN, WS_OUT, socket_constants
from app.sandbox.journal_view import frame_type

if TYPE_CHECKING:
    from app.registry import SandboxRegistry
    from app.runtime import Sandbox

WS_METHOD = "WS"


def _ignore(entry: tuple[Any, ...]) -> None:
    """The frame path's ``keep`` when the sandbox keeps no journal (a socket observed for its rules)."""


def _no_id() -> int:
    return 0


async def _sandbox_of(registry: SandboxRegistry, scope: Scope) -> Sandbox | None:
    name = None
    for key, value in scope["headers"]:
        if key == b"x-sandbox-workspace":
            name = value.decode("latin-1")
    if name is None and b"workspace=" in scope["query_string"]:
        name = query_value(scope["query_string"], b"workspace")
    return await sandbox_named(registry, name)


def _one_off(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"x-sandbox-fault":
            return value.decode("latin-1")
    if b"sandbox_fault=" in scope["query_string"]:
        return query_value(scope["query_string"], b"sandbox_fault")
    return None


async def serve_websocket(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, registry: SandboxRegistry, paths: PlatformPaths
) -> None:
    sandbox = await _sandbox_of(registry, scope)
    one_off = _one_off(scope)
    if sandbox is None or (sandbox.journal is None and not sandbox.faults.rules and one_off is None):
        await app(scope, receive, send)
        return
    await _Observed(sandbox, scope, paths, one_off).serve(app, receive, send)


class _Observed:
    def __init__(self, sandbox: Sandbox, scope: Scope, paths: PlatformPaths, one_off: str | None) -> None:
        self.sandbox = sandbox
        self.scope = scope
        self.path = scope["path"]  # before a mount (Socket.IO's) strips its prefix off scope["path"]
        self.query = scope["query_string"]
        self.headers = tuple(scope["headers"])  # shared by every frame's entry (compact: no list each)
        self.paths = paths
        self.journal = sandbox.journal
        self.clock_time = sandbox.clock.time  # bound once: read per frame
        self.book = sandbox.faults
        self.one_off = one_off
        self.opened = perf_counter()
        self.closed = False
        self.accepted = False
        self.lose_reply: FaultRule | None = None
        self.credential: str | None = None  # Socket.IO's CONNECT packet ("40{...token...}"), kept raw
        # Engine.IO clients always send EIO= in the upgrade's query; other sockets never look for it.
        self.awaits_connect = b"EIO=" in self.query
        self.socket = socket_constants(WS_METHOD, self.path, self.query, self.headers, None)
        self.explain_upgrade: str | None = None

    # -- journal ------------------------------------------------------------------------------
    def record(
        self,
        kind: str,
        frame: Any = None,
        status: int | None = None,
        code: int | None = None,
        injected: str | None = None,
    ) -> None:
        """One entry of this socket; frames call it positionally (``record(WS_IN, frame)``): the per-message path."""
        journal = self.journal
        if journal is None:
            return
        now = perf_counter()
        journal.keep(
            (
                journal.next_id(),
                kind,
                now + WALL_OFFSET,
                self.clock_time(),
                WS_METHOD,
                self.path,
                self.query,
                self.headers,
                None,  # request_id
                status,
                self.opened if kind == WS_OPEN else now,
                now,
                b"",
                0,
                b"",
                0,
                None,  # response headers
                True,  # routed
                None,  # invalid
                injected,
                False,  # dropped
                frame,
                code,
                self.credential,
            )
        )

    # -- faults -------------------------------------------------------------------------------
    def pick(self, ws_type: str | None) -> FaultRule | None:
        if ws_type is None and self.one_off is not None:
            text, self.one_off = self.one_off, None
            try:
                return parse_one_off(text)
            except Exception:
                return None
        if not self.book.rules:
            return None
        return self.book.pick(
            method=WS_METHOD,
            path=self.path,
            platform_of=self.paths.platform_of,
            user_of=lambda: user_key(self.scope),
            ws_type=ws_type,
        )

    async def close(self, send: Send, rule: FaultRule) -> None:
        if self.closed:
            return
        self.closed = True
        explain = rule.explain()
        await send({"type": "websocket.close", "code": rule.close_code, "reason": explain[:120]})
        self.record(WS_CLOSE, code=rule.close_code, injected=explain)

    # -- the socket ---------------------------------------------------------------------------
    async def serve(self, app: ASGIApp, receive: Receive, send: Send) -> None:
        upgrade = self.pick(None)
        if upgrade is not None and upgrade.action in ("delay", "timeout"):
            await asyncio.sleep(upgrade.hold_seconds(self.book.rng))
        if upgrade is not None and upgrade.action == "status":
            await self.refuse(receive, send, upgrade)
            return
        if upgrade is not None and upgrade.action in ("drop", "timeout"):
            await self.cut_at_accept(receive, send, upgrade)
            return
        self.explain_upgrade = upgrade.explain() if upgrade is not None else None
        # The per-frame path, in locals: a frame with no rule on it is one short tuple (FRAME_LENGTH).
        journal = self.journal
        keep = journal.keep if journal is not None else _ignore
        next_id = journal.next_id if journal is not None else _no_id
        clock_time = self.clock_time
        book = self.book  # its rules are read per frame: a rule put while the socket is open applies

        async def observed_receive() -> Message:
            message = await receive()
            if message["type"] != "websocket.receive" or book.rules or self.awaits_connect:
                return await self.received(message, receive, send)
            frame = message.get("text")
            if frame is None:
                frame = message.get("bytes")
            keep((next_id(), WS_IN, perf_counter(), clock_time(), frame, self.socket))
            return message

        def observed_send(message: Message) -> Awaitable[None]:
            # Not a coroutine: a frame's send returns the server's own send (one coroutine, not two).
            if message["type"] == "websocket.send" and self.lose_reply is None and not self.closed:
                frame = message.get("text")
                if frame is None:
                    frame = message.get("bytes")
                keep((next_id(), WS_OUT, perf_counter(), clock_time(), frame, self.socket))
                return send(message)
            return self.sent(message, send)

        await app(self.scope, observed_receive, observed_send)

    def keep_frame(self, kind: str, frame: Any) -> None:
        journal = self.journal
        if journal is not None:
            journal.keep((journal.next_id(), kind, perf_counter(), self.clock_time(), frame, self.socket))

    async def received(self, message: Message, receive: Receive, send: Send) -> Message:
        """A message off the frame fast path: a close, a Socket.IO CONNECT, a frame a rule may apply to."""
        while True:
            kind = message["type"]
            if kind == "websocket.receive":
                frame = message.get("text")
                if frame is None:
                    frame = message.get("bytes")
                if self.awaits_connect and isinstance(frame, str) and frame.startswith("40"):
                    self.credential, self.awaits_connect = frame, False
                    self.socket = socket_constants(WS_METHOD, self.path, self.query, self.headers, frame)
                rule = self.frame_rule(frame) if self.book.rules else None
                if rule is None:
                    self.keep_frame(WS_IN, frame)
                elif self.closed:
                    message = await receive()
                    continue
                else:
                    self.record(WS_IN, frame=frame, injected=rule.explain())
                    if rule.action == "delay":
                        await asyncio.sleep(rule.hold_seconds(self.book.rng))
                    elif rule.action == "drop" and rule.when == "after":
                        self.lose_reply = rule
                    else:
                        if rule.action == "timeout":
                            await asyncio.sleep(rule.hold_seconds(self.book.rng))
                        await self.close(send, rule)
                        message = await receive()  # the frame is not delivered; the next is the disconnect
                        continue
            elif kind == "websocket.disconnect" and not self.closed:
                self.closed = True
                self.record(WS_CLOSE, code=message.get("code"))
            return message

    async def sent(self, message: Message, send: Send) -> None:
        """A message off the frame fast path: the accept, a close, a reply a rule loses."""
        kind = message["type"]
        if self.closed:
            return  # the sandbox closed the socket: what the handler still sends goes nowhere
        if kind == "websocket.send":
            frame = message.get("text")
            if frame is None:
                frame = message.get("bytes")
            if self.lose_reply is not None:
                rule, self.lose_reply = self.lose_reply, None
                self.record(WS_OUT, frame=frame, injected=f"{rule.explain()}: this reply was lost")
                await self.close(send, rule)
                return
            self.keep_frame(WS_OUT, frame)
        elif kind == "websocket.accept":
            self.accepted = True
            await send(message)
            self.record(WS_OPEN, status=101, injected=self.explain_upgrade)
            return
        elif kind == "websocket.close":
            self.closed = True
            self.record(
                WS_CLOSE if self.accepted else WS_OPEN,
                status=None if self.accepted else 403,
                code=message.get("code", 1000),
            )
        await send(message)

    def frame_rule(self, frame: Any) -> FaultRule | None:
        if not self.book.rules or not any(r.ws_type is not None for r in self.book.rules):
            return None
        ws_type = frame_type(frame)
        return self.pick(ws_type) if ws_type is not None else None

    async def cut_at_accept(self, receive: Receive, send: Send, rule: FaultRule) -> None:
        """Accept the upgrade and close it at once with the rule's code; the handler never runs."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        self.accepted = True
        self.record(WS_OPEN, status=101, injected=rule.explain())
        await self.close(send, rule)

    async def refuse(self, receive: Receive, send: Send, rule: FaultRule) -> None:
        """Refuse the upgrade with the rule's status (or a close before accept: HTTP 403)."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        explain = rule.explain()
        if "websocket.http.response" in (self.scope.get("extensions") or {}):
            body = json.dumps({"error": "injected_fault", "status": rule.status, "message": explain}).encode()
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": rule.status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"x-sandbox-explain", explain.encode("latin-1")),
                    ],
                }
            )
            await send({"type": "websocket.http.response.body", "body": body})
            status = rule.status
        else:
            await send({"type": "websocket.close", "code": 1008})
            status = 403
        self.record(WS_OPEN, status=status, injected=explain)
