"""Whether a client's Socket.IO packet fits Tribble's realtime contract, for the request journal.

``PlatformSpec.frame_contract`` (read when the journal is read, never on the socket's path): None
when the frame is an Engine.IO ping/pong/upgrade/noop, a Socket.IO CONNECT carrying
``auth.token``, a DISCONNECT or ACK, or an EVENT the contract documents (``subscribe`` /
``unsubscribe`` with ``{"channels": [string, ...]}``); else the reason in plain words.
"""

from __future__ import annotations

import json
from typing import Any

EVENTS = ("subscribe", "unsubscribe")
_ENGINE_CONTROL = {"2", "3", "5", "6"}  # ping, pong, upgrade, noop
_SOCKET_QUIET = {"1", "3"}  # DISCONNECT, ACK


def _payload(packet: str) -> str:
    """A Socket.IO packet's JSON after its optional ``/namespace,`` and ack id."""
    rest = packet
    if rest.startswith("/"):
        _namespace, comma, after = rest.partition(",")
        rest = after if comma else ""
    while rest[:1].isdigit():
        rest = rest[1:]
    return rest


def frame_problem(frame: Any) -> str | None:
    if not isinstance(frame, str):
        return None if isinstance(frame, bytes) else "not a Socket.IO packet"
    if not frame:
        return "empty frame: not a Socket.IO packet"
    kind, packet = frame[0], frame[1:]
    if kind in _ENGINE_CONTROL:
        return None
    if kind != "4" or not packet:
        return f"not a Socket.IO packet (Engine.IO type {kind!r})"
    socket_type, body = packet[0], _payload(packet[1:])
    if socket_type in _SOCKET_QUIET:
        return None
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return "the packet's payload is not valid JSON"
    if socket_type == "0":
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token.strip():
            return "CONNECT without auth.token (the contract connects with {auth: {token: 'Bearer <jwt>'}})"
        return None
    if socket_type != "2":
        return f"Socket.IO packet type {socket_type!r} is not one a client sends"
    if not isinstance(data, list) or not data or not isinstance(data[0], str):
        return "an EVENT packet must be [name, payload]"
    name = data[0]
    if name not in EVENTS:
        return f"unknown event {name[:64]!r}; the contract's events are {', '.join(EVENTS)}"
    payload = data[1] if len(data) > 1 else None
    channels = payload.get("channels") if isinstance(payload, dict) else None
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        return f'{name} takes {{"channels": [string, ...]}}'
    return None
