"""/api/notifications: list and mark read (feature flag ``notifications``, on by default)."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request, get, patch

from app.lean_response import Response
from app.platforms.drop import render
from app.platforms.drop.auth import current_user
from app.platforms.drop.errors import bad_request, field_error, not_found
from app.platforms.drop.flags import flag
from app.platforms.drop.parsing import NOTIFICATION_ID, json_object
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropMarkedRead, DropNotification
from app.platforms.drop.store import notifications as store
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: notifications"]
MAX_IDS = 100


async def _gate(sandbox: Sandbox) -> None:
    if not await flag(sandbox, "notifications"):
        raise not_found("Not found")


@get("/api/notifications", tags=TAGS, summary="List all notifications for the user")
async def list_notifications(
    request: Request[Any, Any, Any], sandbox: SandboxDep
) -> Response[Data[list[DropNotification]]]:
    await _gate(sandbox)
    user = await current_user(request, sandbox)
    rows = await store.notifications_of(sandbox.db, user.id)
    return ok(request, Data([render.notification(r) for r in rows]))


@patch("/api/notifications", tags=TAGS, summary="Mark notifications as read (max 100 ids)")
async def mark_read(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropMarkedRead]]:
    await _gate(sandbox)
    user = await current_user(request, sandbox)
    body = await json_object(request)
    ids = body.get("notificationIds")
    if not isinstance(ids, list) or not ids:
        raise bad_request("notificationIds must be a non-empty array", [field_error("notificationIds", "required")])
    if len(ids) > MAX_IDS:
        raise bad_request(
            f"At most {MAX_IDS} notification ids per request", [field_error("notificationIds", "max 100")]
        )
    bad = [i for i, v in enumerate(ids) if not isinstance(v, str) or not NOTIFICATION_ID.match(v)]
    if bad:
        raise bad_request(
            "Invalid notification id format",
            [field_error(f"notificationIds[{i}]", "must match ^[a-z]+_[a-f0-9]{16}$") for i in bad],
        )
    unique = sorted(set(ids))

    def run(conn: sqlite3.Connection) -> int:
        return store.mark_read_in(conn, user.id, unique)

    return ok(request, Data(DropMarkedRead(int(await sandbox.db.write(run)))))


ROUTES = [list_notifications, mark_read]
