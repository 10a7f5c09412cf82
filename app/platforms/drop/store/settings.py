"""``drop_settings``: one row of preferences per user (column defaults are Drop's defaults)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database


def ensure_settings(db: Database, user_id: int, now: float) -> Awaitable[int]:
    """Create the user's row with the defaults unless it exists."""
    return db.execute("INSERT OR IGNORE INTO drop_settings (user_id, updated_at) VALUES (?, ?)", (user_id, now))


def settings_of(db: Database, user_id: int) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_settings WHERE user_id = ?", (user_id,))


def update_settings(db: Database, user_id: int, changes: Mapping[str, Any], now: float) -> Awaitable[int]:
    """``changes``: column -> value (columns from Drop's whitelist, never from the client)."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    return db.execute(
        f"UPDATE drop_settings SET {assignments}, updated_at = ? WHERE user_id = ?", (*changes.values(), now, user_id)
    )
