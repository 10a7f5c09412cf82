"""SQL for Tribble's payment methods (``tribble_payment_methods``: tokenised cards, masked bank accounts)."""

from __future__ import annotations

import sqlite3
from typing import Any


def method_by_id(conn: sqlite3.Connection, method_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_payment_methods WHERE id = ?", (method_id,)).fetchone()


def owned_method(conn: sqlite3.Connection, method_id: str, user_id: int) -> sqlite3.Row | None:
    """The user's method, unless deleted."""
    return conn.execute(
        "SELECT * FROM tribble_payment_methods WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
        (method_id, user_id),
    ).fetchone()


def methods_of_user(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM tribble_payment_methods WHERE user_id = ? AND deleted_at IS NULL", (user_id,)
    ).fetchall()


def insert_method(
    conn: sqlite3.Connection, method_id: str, user_id: int, make_default: bool, now: float, fields: dict[str, Any]
) -> sqlite3.Row:
    """Add a method (the user's default if asked or if there is none yet) and read it back."""
    has_default = conn.execute(
        "SELECT 1 FROM tribble_payment_methods WHERE user_id = ? AND is_default = 1 AND deleted_at IS NULL",
        (user_id,),
    ).fetchone()
    make_default = make_default or has_default is None
    if make_default:
        conn.execute("UPDATE tribble_payment_methods SET is_default = 0 WHERE user_id = ?", (user_id,))
    columns = ["id", "user_id", "is_default", "is_active", "created_at", *fields]
    values = [method_id, user_id, int(make_default), 1, now, *fields.values()]
    conn.execute(
        f"INSERT INTO tribble_payment_methods ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        values,
    )
    return conn.execute("SELECT * FROM tribble_payment_methods WHERE id = ?", (method_id,)).fetchone()


def delete_method(conn: sqlite3.Connection, row: Any, user_id: int, now: float) -> None:
    """Soft-delete a method; a deleted default passes the default on to the user's newest method."""
    conn.execute(
        "UPDATE tribble_payment_methods SET deleted_at = ?, is_active = 0, is_default = 0 WHERE id = ?",
        (now, row["id"]),
    )
    if row["is_default"]:
        nxt = conn.execute(
            "SELECT id FROM tribble_payment_methods WHERE user_id = ? AND deleted_at IS NULL"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            (user_id,),
        ).fetchone()
        if nxt is not None:
            conn.execute("UPDATE tribble_payment_methods SET is_default = 1 WHERE id = ?", (nxt["id"],))
