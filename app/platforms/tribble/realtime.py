"""Socket.IO at ``/socket.io``: python-socketio's AsyncServer mounted inside the Litestar app.

Connect with ``auth: {token: "Bearer <accessToken>"}`` (also ``?token=`` or an Authorization
header), then ``emit("subscribe", {channels: ["user:<userId>", "transaction:all"]})``; the ack is
``{"subscribed": [...], "rejected": [...]}``. Events of the bus with ``platform="tribble"`` reach the
sockets of their audience: ``user:<userId>`` gets every event of that user, ``transaction:all``
the caller's own ``transaction:*`` events. Each event is emitted under its own name with the
documented envelope ``{"event": <name>, "data": {...}}``.

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
from app.registry import sandbox_for
from app.runtime import Sandbox

log = logging.getLogger("paysandbox.tribble.socketio")

EVENTS = ("transaction:completed", "subscription:charged", "dispute:created", "fraud:risk_alert")
_STATE_KEY = "tribble_socketio"
_EXTRAS_KEY = "tribble.socketio.servers"


@dataclass
class Session:
    sandbox: Sandbox
    user_id: int
    user_uuid: str
    channels: set[str] = field(default_factory=set)


class TribbleSocketServer:
    def __init__(self) -> None:
        self.sio = socketio.AsyncServer(
            async_mode="asgi", cors_allowed_origins="*", logger=False, engineio_logger=False
        )
        self.app = socketio.ASGIApp(self.sio, socketio_path=None)
        self.sessions: dict[str, Session] = {}
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        self.sio.on("subscribe", self._subscribe)
        self.sio.on("unsubscribe", self._unsubscribe)

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        scope = environ.get("asgi.scope") or {}
        token = None
        if isinstance(auth, dict):
            token = auth.get("token")
        if not token:
            token = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [None])[0]
        if not token:
            token = environ.get("HTTP_AUTHORIZATION")
        if not token or not isinstance(token, str):
            raise socketio.exceptions.ConnectionRefusedError({"errorCode": "UNAUTHORIZED", "message": "token required"})
        sandbox = await sandbox_for(scope)
        raw = token.split(None, 1)[1] if token.lower().startswith("bearer ") else token
        try:
            principal = await sandbox.identity.verify_access(raw.strip())
        except DomainError as exc:
            raise socketio.exceptions.ConnectionRefusedError(
                {"errorCode": "UNAUTHORIZED", "message": exc.message}
            ) from None
        servers: set[TribbleSocketServer] = sandbox.extras.setdefault(_EXTRAS_KEY, set())
        servers.add(self)
        self.sessions[sid] = Session(sandbox, principal.user.id, principal.user.uuid)
        sandbox.socket_opened()  # its workspace stays open while the session is

    async def _disconnect(self, sid: str, *args: Any) -> None:
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

    async def _subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        session, channels = self._channels(sid, data)
        if session is None:
            return {"subscribed": [], "rejected": channels, "error": "not authenticated"}
        allowed = {f"user:{session.user_uuid}", f"user:{session.user_id}", "transaction:all"}
        ok = [c for c in channels if c in allowed]
        session.channels.update(ok)
        return {"subscribed": sorted(session.channels), "rejected": [c for c in channels if c not in allowed]}

    async def _unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
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
                    await self.sio.emit(event.type, {"event": event.type, "data": event.data}, to=sid)
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
