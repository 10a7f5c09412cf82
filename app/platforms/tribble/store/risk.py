"""What the fraud engine reads: ``tribble_risk_totals``, ``tribble_risk_countries``,
``tribble_devices`` and a payer's recent payments, and the payments' scores for fraud analytics."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database


def risk_totals_in(conn: sqlite3.Connection, user_id: int, currency: str) -> Any:
    """(payments, amount) of the payer in the currency, or None."""
    return conn.execute(
        "SELECT payments, amount FROM tribble_risk_totals WHERE user_id = ? AND currency = ?", (user_id, currency)
    ).fetchone()


def payments_between_in(conn: sqlite3.Connection, user_id: int, start: float, end: float) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM tribble_transactions WHERE customer_user_id = ? AND created_at >= ?"
            " AND created_at <= ? AND kind = 'payment'",
            (user_id, start, end),
        ).fetchone()[0]
    )


def usual_country_in(conn: sqlite3.Connection, user_id: int) -> Any:
    """(country,) the payer pays from most often, or None."""
    return conn.execute(
        "SELECT country FROM tribble_risk_countries WHERE user_id = ? AND payments > 0"
        " ORDER BY payments DESC, country LIMIT 1",
        (user_id,),
    ).fetchone()


def device_seen_in(conn: sqlite3.Connection, user_id: int, device_id: str, before: float) -> Any:
    return conn.execute(
        "SELECT first_seen FROM tribble_devices WHERE user_id = ? AND device_id = ? AND first_seen < ?",
        (user_id, device_id, before),
    ).fetchone()


def scored_payments(db: Database, start: float, end: float) -> Awaitable[list[sqlite3.Row]]:
    """The fraud assessment, score, level, decision and status of every payment created in [start, end)."""
    return db.fetchall(
        "SELECT fraud, fraud_score, risk_level, decision, status FROM tribble_transactions"
        " WHERE kind = 'payment' AND created_at >= ? AND created_at < ?",
        (start, end),
    )
