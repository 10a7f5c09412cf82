"""In-app notifications: written in the job of what they tell about (``notify_in``), listed and marked read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from app.platforms.drop.render import new_id
from app.platforms.drop.store.notifications import insert_notification_in


def notify_in(
    conn: sqlite3.Connection,
    now: float,
    user_id: int,
    type: str,
    title: str,
    message: str,
    reference: str | None,
    *,
    make_id: Callable[[str], str] = new_id,
) -> str:
    """Store an in-app notification (id ``noti_<16 hex>``).

    ``make_id`` draws the id (random by default; the seeder passes one drawn from the seed).
    """
    note_id = make_id("noti")
    insert_notification_in(conn, note_id, now, user_id, type, title, message, reference)
    return note_id
