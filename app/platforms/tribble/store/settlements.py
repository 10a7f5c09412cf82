"""``tribble_settlements``: merchant payouts (and what the settlement job reads: the payments still
in their hold period, the approved merchants without a settlement job)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def recent_volume(db: Database, merchant_id: str, currency: str, cutoff: float) -> Awaitable[sqlite3.Row | None]:
    """``recent``: the sum of the merchant's successful payments completed after ``cutoff``."""
    return db.fetchone(
        "SELECT COALESCE(SUM(amount), 0) AS recent FROM tribble_transactions WHERE merchant_id = ? AND currency = ?"
        " AND status = 'SUCCESS' AND completed_at > ?",
        (merchant_id, currency, cutoff),
    )


def insert_settlement_in(
    conn: sqlite3.Connection, sid: str, merchant_id: str, currency: str, net: int, fee: int, journal_id: int, now: float
) -> None:
    conn.execute(
        "INSERT INTO tribble_settlements (id, merchant_id, currency, amount, fee, journal_id, settled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (sid, merchant_id, currency, net, fee, journal_id, now),
    )


def unscheduled_merchants(db: Database) -> Awaitable[list[sqlite3.Row]]:
    """Approved merchants without a pending or running settlement job."""
    return db.fetchall(
        "SELECT * FROM tribble_merchants m WHERE kyc_status = 'APPROVED' AND NOT EXISTS (SELECT 1 FROM"
        " scheduled_jobs j WHERE j.ref = 'tribble:settle:' || m.id AND j.status IN ('pending', 'running'))"
    )


def settled_total(db: Database, merchant_id: str, currency: str) -> Awaitable[sqlite3.Row | None]:
    """``total``: what has been paid out to the merchant in ``currency``."""
    return db.fetchone(
        "SELECT COALESCE(SUM(amount), 0) AS total FROM tribble_settlements WHERE merchant_id = ? AND currency = ?",
        (merchant_id, currency),
    )
