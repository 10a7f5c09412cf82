"""What the merchant dashboard and analytics read: a merchant's payments, disputes and refunds in a period."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def payments_of_merchant(db: Database, merchant_id: str, start: float, end: float) -> Awaitable[list[sqlite3.Row]]:
    """The merchant's payments (not BLOCKED) created in [start, end)."""
    return db.fetchall(
        "SELECT * FROM tribble_transactions WHERE merchant_id = ? AND kind = 'payment' AND status != 'BLOCKED'"
        " AND created_at >= ? AND created_at < ?",
        (merchant_id, start, end),
    )


def dispute_resolutions(db: Database, merchant_id: str, start: float, end: float) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT resolution FROM tribble_disputes WHERE merchant_id = ? AND created_at >= ? AND created_at < ?",
        (merchant_id, start, end),
    )


def completed_refunds(db: Database, merchant_id: str, start: float, end: float) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT r.amount, r.currency FROM tribble_refunds r JOIN tribble_transactions t ON t.id = r.transaction_id"
        " WHERE t.merchant_id = ? AND r.status = 'COMPLETED' AND r.created_at >= ? AND r.created_at < ?",
        (merchant_id, start, end),
    )
