"""Whether a client frame fits Cashier's message contract, for the request journal (read time only).

``PlatformSpec.frame_contract``: None when the frame is a JSON object whose ``type`` is a documented
message (``ping`` or one of ``dispatch.OPERATIONS``) and whose ``data`` converts to that message's
struct; else the reason, in the words the socket's own error reply uses.
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.platforms.cashier.dispatch import OPERATIONS, validation_message
from app.platforms.cashier.errors import INVALID_FORMAT


def frame_problem(frame: Any) -> str | None:
    if not isinstance(frame, str | bytes):
        return None
    try:
        decoded = msgspec.json.decode(frame)
    except (msgspec.DecodeError, RecursionError, ValueError):
        return INVALID_FORMAT
    if not isinstance(decoded, dict) or not isinstance(decoded.get("type"), str):
        return INVALID_FORMAT
    kind = decoded["type"]
    if kind == "ping":
        return None
    operation = OPERATIONS.get(kind)
    if operation is None:
        return f"unknown message type: {kind[:64]}"
    data = decoded.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return INVALID_FORMAT
    struct = operation[0]
    try:
        msgspec.convert(data, struct)
    except msgspec.ValidationError as exc:
        return validation_message(exc, struct)
    return None
