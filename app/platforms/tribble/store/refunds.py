"""SQL for Tribble's refunds (``tribble_refunds``)."""

from __future__ import annotations

import sqlite3


def refunded_in(conn: sqlite3.Connection, transaction_id: str) -> int:
    """What the transaction's refunds that have not failed add up to (minor units)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM tribble_refunds WHERE transaction_id = ? AND status != 'FAILED'",
        (transaction_id,),
    ).fetchone()
    return int(row[0])


def insert_refund(
    conn: sqlite3.Connection,
    refund_id: str,
    transaction_id: str,
    value: int,
    currency: str,
    reason: str,
    description: str,
    requested_by: int,
    hold_id: int,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO tribble_refunds (id, transaction_id, amount, currency, reason, description, status,"
        " requested_by, hold_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
        (refund_id, transaction_id, value, currency, reason, description, requested_by, hold_id, now),
    )


def refund_by_id(conn: sqlite3.Connection, refund_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_refunds WHERE id = ?", (refund_id,)).fetchone()


def fail_refund(conn: sqlite3.Connection, refund_id: str, reason: str, now: float) -> None:
    conn.execute(
        "UPDATE tribble_refunds SET status = 'FAILED', failure_reason = ?, completed_at = ? WHERE id = ?",
        (reason, now, refund_id),
    )


def complete_refund(conn: sqlite3.Connection, refund_id: str, journal_id: int, now: float) -> None:
    conn.execute(
        "UPDATE tribble_refunds SET status = 'COMPLETED', journal_id = ?, completed_at = ? WHERE id = ?",
        (journal_id, now, refund_id),
    )


def refunds_of_transaction(conn: sqlite3.Connection, transaction_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM tribble_refunds WHERE transaction_id = ?", (transaction_id,)).fetchall()
