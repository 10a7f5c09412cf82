"""SQL for Tribble's airtime top-ups (``tribble_topups``)."""

from __future__ import annotations

import sqlite3
from typing import Any


def insert_topup(conn: sqlite3.Connection, values: tuple[Any, ...], journal_id: int | None) -> None:
    """``values``: id, user_id, provider, phone, amount, currency, reference, payment_method_id,
    wallet_account_id, created_at; the row starts PROCESSING."""
    conn.execute(
        "INSERT INTO tribble_topups (id, user_id, provider, phone, amount, currency, status, reference,"
        " payment_method_id, wallet_account_id, created_at, journal_id)"
        " VALUES (?, ?, ?, ?, ?, ?, 'PROCESSING', ?, ?, ?, ?, ?)",
        (*values, journal_id),
    )


def topup_by_id(conn: sqlite3.Connection, topup_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_topups WHERE id = ?", (topup_id,)).fetchone()


def succeed_if_processing(conn: sqlite3.Connection, topup_id: str) -> None:
    """The provider confirmed at once (no completion time yet: the operation settles it)."""
    conn.execute("UPDATE tribble_topups SET status = 'SUCCESS' WHERE id = ? AND status = 'PROCESSING'", (topup_id,))


def complete_topup(conn: sqlite3.Connection, topup_id: str, now: float) -> None:
    conn.execute("UPDATE tribble_topups SET status = 'SUCCESS', completed_at = ? WHERE id = ?", (now, topup_id))


def fail_topup(conn: sqlite3.Connection, topup_id: str, reason: str, now: float) -> None:
    conn.execute(
        "UPDATE tribble_topups SET status = 'FAILED', failure_reason = ?, completed_at = ? WHERE id = ?",
        (reason, now, topup_id),
    )


def topups_of_user(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM tribble_topups WHERE user_id = ?", (user_id,)).fetchall()
