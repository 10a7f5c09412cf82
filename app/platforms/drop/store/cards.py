"""``drop_cards`` and ``drop_card_limits``: cards (last4 only, PIN hashed) and their spending limits."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def card_of(db: Database, card_id: str, user_id: int) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_cards WHERE id = ? AND user_id = ?", (card_id, user_id))


def live_cards_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    """Every card of the user but the cancelled ones, oldest first."""
    return db.fetchall(
        "SELECT * FROM drop_cards WHERE user_id = ? AND status != 'cancelled' ORDER BY created_at, rowid", (user_id,)
    )


def insert_card(
    db: Database,
    card_id: str,
    user_id: int,
    card_type: str,
    last4: str,
    exp_month: int,
    exp_year: int,
    physical_status: str | None,
    now: float,
) -> Awaitable[int]:
    """An active VISA card."""
    return db.execute(
        "INSERT INTO drop_cards (id, user_id, type, status, brand, last4, exp_month, exp_year, physical_status, "
        "created_at, updated_at) VALUES (?, ?, ?, 'active', 'VISA', ?, ?, ?, ?, ?, ?)",
        (card_id, user_id, card_type, last4, exp_month, exp_year, physical_status, now, now),
    )


def set_card_status(db: Database, card_id: str, status: str, now: float) -> Awaitable[int]:
    return db.execute("UPDATE drop_cards SET status = ?, updated_at = ? WHERE id = ?", (status, now, card_id))


def cancel_card(db: Database, card_id: str, now: float) -> Awaitable[int]:
    return db.execute("UPDATE drop_cards SET status = 'cancelled', updated_at = ? WHERE id = ?", (now, card_id))


def order_physical_card(db: Database, card_id: str, address: str, now: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE drop_cards SET physical_status = 'ordered', shipping_address = ?, updated_at = ? WHERE id = ?",
        (address, now, card_id),
    )


def set_pin_hash(db: Database, card_id: str, pin_hash: str, now: float) -> Awaitable[int]:
    return db.execute("UPDATE drop_cards SET pin_hash = ?, updated_at = ? WHERE id = ?", (pin_hash, now, card_id))


def limits_of(db: Database, card_id: str) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall("SELECT * FROM drop_card_limits WHERE card_id = ? ORDER BY limit_type", (card_id,))


def limit_of(db: Database, card_id: str, limit_type: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_card_limits WHERE card_id = ? AND limit_type = ?", (card_id, limit_type))


def upsert_limit(db: Database, card_id: str, limit_type: str, amount: int, now: float) -> Awaitable[int]:
    """Set the card's limit of ``limit_type`` (NOK), replacing the one of the same type."""
    return db.execute(
        "INSERT INTO drop_card_limits (card_id, limit_type, amount, currency, updated_at) VALUES (?, ?, ?, 'NOK', ?) "
        "ON CONFLICT(card_id, limit_type) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at",
        (card_id, limit_type, amount, now),
    )
