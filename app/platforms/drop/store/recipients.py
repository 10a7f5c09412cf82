"""``drop_recipients``: the people a user sends remittances to."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database

TABLE = "drop_recipients"


def recipient_by_id(db: Database, recipient_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_recipients WHERE id = ?", (recipient_id,))


def recipients_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    """Oldest first (the data export)."""
    return db.fetchall("SELECT * FROM drop_recipients WHERE user_id = ? ORDER BY created_at, rowid", (user_id,))


def insert_recipient(
    db: Database,
    recipient_id: str,
    user_id: int,
    name: str,
    country: str,
    currency: str,
    bank_account: str,
    bank_name: str | None,
    now: float,
) -> Awaitable[int]:
    return db.execute(
        "INSERT INTO drop_recipients (id, user_id, name, country, currency, bank_account, bank_name, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (recipient_id, user_id, name, country, currency, bank_account, bank_name, now),
    )


def delete_recipient_in(conn: sqlite3.Connection, recipient_id: str, user_id: int) -> int:
    """How many rows went (0: no such recipient of this user)."""
    return int(
        conn.execute("DELETE FROM drop_recipients WHERE id = ? AND user_id = ?", (recipient_id, user_id)).rowcount
    )
