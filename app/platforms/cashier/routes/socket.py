"""The Cashier WebSocket at ``/cashier/svc/ws``: authenticate the upgrade, then serve frames in order.

Authentication: ``Authorization: Bearer <jwt>`` on the upgrade, or ``?token=<jwt>`` (browsers).
A missing, bad, expired or revoked token: the socket is accepted, gets one
``{"type": "error", "data": {"message": "unauthorized"}}`` and is closed with code 4401 (a
browser cannot read an HTTP status of a refused upgrade; it can read a close code).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from app.core.errors import DomainError
from app.platforms.cashier import render
from app.platforms.cashier.connections import Connection, registry_of
from app.platforms.cashier.dispatch import handle_frame
from app.platforms.cashier.errors import UNAUTHORIZED, WS_PATH, message_for
from app.platforms.cashier.session import Session
from app.registry import sandbox_for

log = logging.getLogger("paysandbox.cashier")

# Keep-alive (server pings every 54 s; 60 s without a pong closes the socket) is WebSocket protocol
# pings, which only the server can send: Settings.ws_ping_interval / ws_ping_timeout, passed to uvicorn.
CLOSE_UNAUTHORIZED = 4401
CLOSE_POLICY = 1008
CLOSE_NOT_FOUND = 4404
# Users who may not open a socket even with a valid token.
BLOCKED_STATUSES = frozenset({"suspended", "locked", "deleted"})


def bearer_token(socket: WebSocket[Any, Any, Any]) -> str | None:
    header = socket.headers.get("authorization") or ""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = socket.query_params.get("token")
    return token.strip() if token and token.strip() else None


async def _refuse(socket: WebSocket[Any, Any, Any], now: float) -> None:
    await socket.accept()
    with contextlib.suppress(Exception):
        await socket.send_json(render.error(UNAUTHORIZED, now))
        await socket.close(CLOSE_UNAUTHORIZED, UNAUTHORIZED)


@websocket(WS_PATH, name="cashier_ws")
async def cashier_socket(socket: WebSocket[Any, Any, Any]) -> None:
    try:
        sandbox = await sandbox_for(socket.scope)
    except DomainError as exc:  # e.g. an unknown ?workspace=: say so instead of a bare HTTP 403
        await socket.accept()
        with contextlib.suppress(Exception):
            await socket.send_json(render.error(message_for(exc), socket.app.state.registry.default.clock.time()))
            await socket.close(CLOSE_NOT_FOUND, "workspace not found")
        return
    token = bearer_token(socket)
    principal = None
    if token is not None:
        try:
            principal = await sandbox.identity.verify_access(token)
        except DomainError:
            principal = None
    if principal is None or principal.user.status in BLOCKED_STATUSES:
        await _refuse(socket, sandbox.clock.time())
        return
    await socket.accept()
    conn = Connection(principal.user.id, socket.send_text)
    session = Session(sandbox, principal.user, conn, token)
    registry = registry_of(sandbox)
    conn.start()
    registry.add(conn)
    sandbox.socket_opened()  # its workspace stays open while the socket is
    now = sandbox.clock.time()
    conn.send(render.envelope("connected", {"user_id": str(principal.user.id), "timestamp": int(now)}, now))
    try:
        await _serve(socket, session)
    finally:
        registry.remove(conn)
        sandbox.socket_closed()
        await conn.flush_and_stop()


async def _serve(socket: WebSocket[Any, Any, Any], session: Session) -> None:
    conn = session.connection
    while not conn.closed:
        try:
            message = await socket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        if message["type"] != "websocket.receive":
            continue
        if conn.overflowed.is_set():
            await _close(socket, conn, CLOSE_POLICY, "too many unread messages")
            return
        if not session.token_valid():  # expired or revoked (logout) since the socket opened
            conn.send(render.error(UNAUTHORIZED, session.now()))
            await _close(socket, conn, CLOSE_UNAUTHORIZED, UNAUTHORIZED)
            return
        raw = message.get("text")
        if raw is None:
            raw = message.get("bytes")
        reply = await handle_frame(session, raw)
        conn.send(reply)
        events, session.after_reply = session.after_reply, []
        for event in events:
            try:
                await session.sandbox.events.publish(event)
            except Exception:
                log.exception("publishing %s failed", event.type)


async def _close(socket: WebSocket[Any, Any, Any], conn: Connection, code: int, reason: str) -> None:
    await conn.flush_and_stop()
    with contextlib.suppress(Exception):
        await socket.close(code, reason)
