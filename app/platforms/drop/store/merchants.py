"""``drop_merchants``: merchant profiles (one per user, unique organisation number, a settlement account)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def merchant_of_user(db: Database, user_id: int) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_merchants WHERE user_id = ?", (user_id,))


def merchant_by_id(db: Database, merchant_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_merchants WHERE id = ?", (merchant_id,))


def lookup_merchant(db: Database, merchant_id: str) -> sqlite3.Row | None:
    """The merchant by id, read inline (``db.lookup``: the primary key, on the money path)."""
    return db.lookup("SELECT * FROM drop_merchants WHERE id = ?", (merchant_id,))


def user_is_merchant_in(conn: sqlite3.Connection, user_id: int) -> bool:
    return conn.execute("SELECT 1 FROM drop_merchants WHERE user_id = ?", (user_id,)).fetchone() is not None


def org_number_taken_in(conn: sqlite3.Connection, org_number: str) -> bool:
    return conn.execute("SELECT 1 FROM drop_merchants WHERE org_number = ?", (org_number,)).fetchone() is not None


def insert_merchant_in(
    conn: sqlite3.Connection,
    merchant_id: str,
    user_id: int,
    business_name: str,
    org_number: str,
    address: str | None,
    bank_account: str,
    ledger_account_id: int,
    now: float,
) -> None:
    conn.execute(
        "INSERT INTO drop_merchants (id, user_id, business_name, org_number, address, bank_account, "
        "ledger_account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (merchant_id, user_id, business_name, org_number, address, bank_account, ledger_account_id, now),
    )
