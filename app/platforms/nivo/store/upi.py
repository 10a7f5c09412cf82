"""SQL of ``nivo_upi_deposits``: UPI deposits, ``pending`` until settled once (completed or failed)."""

from __future__ import annotations

import sqlite3


def upi_deposit_in(conn: sqlite3.Connection, deposit_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM nivo_upi_deposits WHERE id = ?", (deposit_id,)).fetchone()
    return row


def insert_upi_deposit_in(
    conn: sqlite3.Connection,
    deposit_id: str,
    wallet_id: str,
    user_id: int,
    amount: int,
    currency: str,
    upi_id: str,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO nivo_upi_deposits (id, wallet_id, user_id, amount, currency, upi_id, status, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (deposit_id, wallet_id, user_id, amount, currency, upi_id, now),
    )


def fail_upi_deposit_in(conn: sqlite3.Connection, deposit_id: str, reason: str, now: float) -> sqlite3.Cursor:
    """``pending`` -> ``failed`` with its reason (no change when already settled)."""
    return conn.execute(
        "UPDATE nivo_upi_deposits SET status = 'failed', failure_reason = ?, completed_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (reason, now, deposit_id),
    )


def complete_upi_deposit_in(conn: sqlite3.Connection, deposit_id: str, transaction_id: str, now: float) -> int:
    """``pending`` -> ``completed`` with its transaction; the number of rows moved (0 or 1)."""
    cur = conn.execute(
        "UPDATE nivo_upi_deposits SET status = 'completed', transaction_id = ?, completed_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (transaction_id, now, deposit_id),
    )
    return cur.rowcount
