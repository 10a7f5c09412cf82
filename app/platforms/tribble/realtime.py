"""Socket.IO at ``/socket.io``: python-socketio's AsyncServer mounted inside the Litestar app.

Connect with ``auth: {token: "Bearer <accessToken>"}`` (also ``?token=`` or an Authorization
header), then ``emit("subscribe", {channels: ["user:<userId>", "transaction:all"]})``; the ack is
``{"subscribed": [...], "rejected": [...]}``. Events of the bus with ``platform="tribble"`` reach the
sockets of their audience: ``user:<userId>`` gets every event of that user, ``transaction:all``
the caller's own ``transaction:*`` events. Each event is emitted under its own name with the
documented envelope ``{"event": <name>, "data": {...}}``.

Two namespaces behave exactly alike: the default ``/`` (``io("http://HOST")``) and ``/socket.io``,
which is what socket.io-client makes of the contract's own ``io("wss://HOST/socket.io")`` (it reads
a URL's path as a namespace; the engine.io path stays ``/socket.io/``). A refused connection
answers ``{"message": <sentence>, "data": {"errorCode", "message"}}`` (socket.io v5 protocol), so a
JavaScript client reads ``err.message`` and ``err.data.errorCode``; the sentence is the one
Tribble's REST 401 body carries for the same token.

One AsyncServer per Litestar app (created on first request); each sandbox keeps the servers its
sockets are connected to, so workspaces never see each other's events.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import socketio
from litestar import asgi
from litestar.types import Receive, Scope, Send

from app.core.errors import DomainError
from app.core.events import Event
from app.platforms.tribble.errors import TribbleError, from_domain
from app.registry import sandbox_for
from app.runtime import Sandbox

log = logging.getLogger("paysandbox.tribble.socketio")

EVENTS = ("transaction:completed", "subscription:charged", "dispute:created", "fraud:risk_alert")
# "/": io("http://HOST"); "/socket.io": io("http://HOST/socket.io"), the contract's snippet.
NAMESPACES = ("/", "/socket.io")
_STATE_KEY = "tribble_socketio"
_EXTRAS_KEY = "tribble.socketio.servers"


@dataclass
class Session:
    sandbox: Sandbox
    user_id: int
    user_uuid: str
    namespace: str = "/"
    channels: set[str] = field(default_factory=set)


class Refused(socketio.exceptions.ConnectionRefusedError):
    """A refused handshake: ``err.message`` is the sentence, ``err.data`` Tribble's error object."""

    def __init__(self, error: TribbleError) -> None:
        super().__init__(error.message, {"errorCode": error.error_code, "message": error.message})


class TribbleNamespace(socketio.AsyncNamespace):
    """One namespace of the server; every handler is the server's, told which namespace it serves."""

    def __init__(self, namespace: str, server: TribbleSocketServer) -> None:
        super().__init__(namespace)
        self.owner = server  # not "server": python-socketio sets that to the AsyncServer

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await self.owner.connect(sid, environ, auth, namespace=self.namespace or "/")

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        await self.owner.disconnect(sid)

    async def on_subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self.owner.subscribe(sid, data)

    async def on_unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self.owner.unsubscribe(sid, data)


class TribbleSocketServer:
    def __init__(self) -> None:
        self.sio = socketio.AsyncServer(
            async_mode="asgi", cors_allowed_origins="*", logger=False, engineio_logger=False
        )
        self.app = socketio.ASGIApp(self.sio, socketio_path=None)
        self.sessions: dict[str, Session] = {}  # sids are unique across namespaces
        for namespace in NAMESPACES:
            self.sio.register_namespace(TribbleNamespace(namespace, self))

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None, *, namespace: str = "/") -> None:
        scope = environ.get("asgi.scope") or {}
        token = None
        if isinstance(auth, dict):
            token = auth.get("token")
        if not token:
            token = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [None])[0]
        if not token:
            token = environ.get("HTTP_AUTHORIZATION")
        if not token or not isinstance(token, str) or not token.strip():
            raise Refused(TribbleError("UNAUTHORIZED", "Missing or invalid authentication"))
        sandbox = await sandbox_for(scope)
        try:
            principal = await sandbox.identity.verify_access(token)  # a "Bearer " prefix is stripped there
        except DomainError as exc:
            raise Refused(from_domain(exc)) from None
        servers: set[TribbleSocketServer] = sandbox.extras.setdefault(_EXTRAS_KEY, set())
        servers.add(self)
        self.sessions[sid] = Session(sandbox, principal.user.id, principal.user.uuid, namespace)
        sandbox.socket_opened()  # its workspace stays open while the session is

    async def disconnect(self, sid: str) -> None:
        session = self.sessions.pop(sid, None)
        if session is not None:
            session.sandbox.socket_closed()

    def _channels(self, sid: str, data: Any) -> tuple[Session | None, list[str]]:
        session = self.sessions.get(sid)
        channels = data.get("channels") if isinstance(data, dict) else data
        if isinstance(channels, str):
            channels = [channels]
        if not isinstance(channels, list):
            channels = []
        return session, [c for c in channels if isinstance(c, str)]

    async def subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        session, channels = self._channels(sid, data)
        if session is None:
            return {"subscribed": [], "rejected": channels, "error": "not authenticated"}
        allowed = {f"user:{session.user_uuid}", f"user:{session.user_id}", "transaction:all"}
        ok = [c for c in channels if c in allowed]
        session.channels.update(ok)
        return {"subscribed": sorted(session.channels), "rejected": [c for c in channels if c not in allowed]}

    async def unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        session, channels = self._channels(sid, data)
        if session is not None:
            session.channels.difference_update(channels)
        return {"subscribed": sorted(session.channels) if session else []}

    async def deliver(self, sandbox: Sandbox, event: Event) -> None:
        audience = set(event.audience())
        for sid, session in list(self.sessions.items()):
            if session.sandbox is not sandbox or session.user_id not in audience:
                continue
            wants = f"user:{session.user_uuid}" in session.channels or f"user:{session.user_id}" in session.channels
            wants = wants or (event.type.startswith("transaction:") and "transaction:all" in session.channels)
            if wants:
                try:
                    envelope = {"event": event.type, "data": event.data}
                    await self.sio.emit(event.type, envelope, to=sid, namespace=session.namespace)
                except Exception:  # a socket closing mid-emit must not break the publisher
                    log.debug("emit to %s failed", sid, exc_info=True)


def server_for(scope: Scope) -> TribbleSocketServer:
    state = scope["app"].state
    server = state.get(_STATE_KEY) if hasattr(state, "get") else getattr(state, _STATE_KEY, None)
    if server is None:
        server = TribbleSocketServer()
        state[_STATE_KEY] = server
    return server  # type: ignore[no-any-return]


@asgi("/socket.io", is_mount=True, copy_scope=True)
async def socketio_mount(scope: Scope, receive: Receive, send: Send) -> None:
    """Socket.IO endpoint (engine.io transports: polling and websocket)."""
    await server_for(scope).app(scope, receive, send)


async def _cancel_socket_tasks(server: TribbleSocketServer) -> None:
    """engine.io leaves a sleeping ping task per closed socket; end them before the loop closes."""
    pending = []
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        if owner is not None and getattr(owner, "server", None) is server.sio.eio:
            task.cancel()
            pending.append(task)
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


def install(sandbox: Sandbox) -> None:
    async def on_event(event: Event) -> None:
        if event.platform != "tribble":
            return
        for server in list(sandbox.extras.get(_EXTRAS_KEY, ())):
            await server.deliver(sandbox, event)

    async def close_sockets(box: Sandbox) -> None:
        for server in list(box.extras.pop(_EXTRAS_KEY, ())):
            server.sessions.clear()
            try:
                await server.sio.shutdown()
            except Exception:  # pragma: no cover - best effort at shutdown
                log.debug("socket.io shutdown failed", exc_info=True)
            await _cancel_socket_tasks(server)

    sandbox.events.subscribe(on_event)
    sandbox.on_stop(close_sockets)
