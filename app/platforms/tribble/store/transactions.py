"""SQL for Tribble's transactions (``tribble_transactions``: payments and wallet fundings) and devices."""

from __future__ import annotations

import sqlite3
from typing import Any

_RESPONSE_BY_KEY = "SELECT response FROM tribble_transactions WHERE customer_user_id = ? AND idempotency_key = ?"


def transaction_by_id(conn: sqlite3.Connection, transaction_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM tribble_transactions WHERE id = ?", (transaction_id,)).fetchone()


def merchant_owner(conn: sqlite3.Connection, merchant_id: str) -> sqlite3.Row | None:
    """The ``owner_user_id`` of a merchant (who may see its transactions)."""
    return conn.execute("SELECT owner_user_id FROM tribble_merchants WHERE id = ?", (merchant_id,)).fetchone()


def response_by_key(conn: sqlite3.Connection, user_id: int, key: str | None) -> sqlite3.Row | None:
    """The stored first response of the customer's request with this Idempotency-Key."""
    return conn.execute(_RESPONSE_BY_KEY, (user_id, key)).fetchone()


def lookup_response_by_key(db: Any, user_id: int, key: str) -> sqlite3.Row | None:
    """``response_by_key`` read inline (``db.lookup``: one statement by the unique index)."""
    return db.lookup(_RESPONSE_BY_KEY, (user_id, key))  # type: ignore[no-any-return]


def insert_transaction(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    cols = list(values)
    conn.execute(
        f"INSERT INTO tribble_transactions ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [values[c] for c in cols],
    )


def insert_fund(
    conn: sqlite3.Connection,
    txn_id: str,
    user_id: int,
    account_id: int,
    method_id: str,
    minor: int,
    fee: int,
    currency: str,
    charge_id: str,
    now: float,
    key: str | None,
    response: str,
) -> None:
    """A wallet funding from a card, PROCESSING until the card simulator settles it."""
    conn.execute(
        "INSERT INTO tribble_transactions (id, kind, customer_user_id, wallet_account_id, payment_method_id,"
        " amount, fee, currency, status, description, processor_charge_id, processor_status, created_at,"
        " idempotency_key, response)"
        " VALUES (?, 'fund', ?, ?, ?, ?, ?, ?, 'PROCESSING', 'Wallet funding', ?, 'pending', ?, ?, ?)",
        (txn_id, user_id, account_id, method_id, minor, fee, currency, charge_id, now, key, response),
    )


def insert_device(conn: sqlite3.Connection, user_id: int, device_id: str, now: float) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO tribble_devices (user_id, device_id, first_seen) VALUES (?, ?, ?)",
        (user_id, device_id, now),
    )


def transactions_of_merchant(conn: sqlite3.Connection, merchant_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM tribble_transactions WHERE merchant_id = ?", (merchant_id,)).fetchall()


def transactions_of_customer(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM tribble_transactions WHERE customer_user_id = ?", (user_id,)).fetchall()


def record_of_journal(conn: sqlite3.Connection, journal_id: int) -> sqlite3.Row | None:
    """The id of the payment, top-up or refund a ledger journal belongs to."""
    return conn.execute(
        "SELECT id FROM tribble_transactions WHERE journal_id = ?1 UNION ALL"
        " SELECT id FROM tribble_topups WHERE journal_id = ?1 UNION ALL"
        " SELECT id FROM tribble_refunds WHERE journal_id = ?1 LIMIT 1",
        (journal_id,),
    ).fetchone()
