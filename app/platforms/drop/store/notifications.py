"""``drop_notifications``: in-app notifications of a user."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def insert_notification_in(
    conn: sqlite3.Connection,
    note_id: str,
    now: float,
    user_id: int,
    type: str,
    title: str,
    message: str,
    reference: str | None,
) -> None:
    conn.execute(
        "INSERT INTO drop_notifications (id, user_id, type, title, message, reference, is_read, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        (note_id, user_id, type, title, message, reference, now),
    )


def notifications_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    """Newest first."""
    return db.fetchall(
        "SELECT * FROM drop_notifications WHERE user_id = ? ORDER BY created_at DESC, rowid DESC", (user_id,)
    )


def mark_read_in(conn: sqlite3.Connection, user_id: int, ids: Sequence[str]) -> int:
    """Mark the user's unread notifications among ``ids`` read; how many changed."""
    marks = ",".join("?" for _ in ids)
    return int(
        conn.execute(
            f"UPDATE drop_notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0 AND id IN ({marks})",
            (user_id, *ids),
        ).rowcount
    )
