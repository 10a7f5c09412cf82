"""SQL for Tribble's receipts (``tribble_receipts``) and the receipt signing secret (``sandbox_state``)."""

from __future__ import annotations

import sqlite3


def secret_in(conn: sqlite3.Connection, key: str, new_value: str) -> str:
    """The stored secret under ``key``; ``new_value`` is stored and returned when there is none."""
    row = conn.execute("SELECT value FROM sandbox_state WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return str(row[0])
    conn.execute("INSERT INTO sandbox_state (key, value) VALUES (?, ?)", (key, new_value))
    return new_value


def receipt_of_transaction(conn: sqlite3.Connection, transaction_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_receipts WHERE transaction_id = ?", (transaction_id,)).fetchone()


def receipt_by_id(conn: sqlite3.Connection, receipt_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_receipts WHERE id = ?", (receipt_id,)).fetchone()


def merchant_name(conn: sqlite3.Connection, merchant_id: str) -> sqlite3.Row | None:
    """The ``business_name`` printed on a receipt."""
    return conn.execute("SELECT business_name FROM tribble_merchants WHERE id = ?", (merchant_id,)).fetchone()


def insert_receipt(
    conn: sqlite3.Connection,
    receipt_id: str,
    transaction_id: str,
    payload: str,
    signature: str,
    now: float,
    expires_at: float,
) -> sqlite3.Row:
    """Store a receipt unless the transaction has one already; the transaction's receipt either way."""
    conn.execute(
        "INSERT OR IGNORE INTO tribble_receipts (id, transaction_id, payload, signature, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (receipt_id, transaction_id, payload, signature, now, expires_at),
    )
    return conn.execute("SELECT * FROM tribble_receipts WHERE transaction_id = ?", (transaction_id,)).fetchone()
