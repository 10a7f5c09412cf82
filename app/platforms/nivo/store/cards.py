"""SQL of ``nivo_cards``: virtual cards (masked number, last four, salted hash; never the CVV)."""

from __future__ import annotations

import sqlite3
from typing import Any


def card_in(conn: sqlite3.Connection, card_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM nivo_cards WHERE id = ?", (card_id,)).fetchone()
    return row


def cards_of_wallet_in(conn: sqlite3.Connection, wallet_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM nivo_cards WHERE wallet_id = ? ORDER BY created_at, id", (wallet_id,)).fetchall()


def live_card_count_in(conn: sqlite3.Connection, wallet_id: str) -> int:
    """Cards of a wallet that are not cancelled."""
    count: int = conn.execute(
        "SELECT COUNT(*) FROM nivo_cards WHERE wallet_id = ? AND status != 'cancelled'", (wallet_id,)
    ).fetchone()[0]
    return count


def insert_card_in(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """An ``active`` card; ``values``: (id, wallet_id, user_id, card_number_masked, last4, number_hash,
    card_holder_name, expiry_month, expiry_year, daily_limit, monthly_limit, created_at, updated_at)."""
    conn.execute(
        "INSERT INTO nivo_cards (id, wallet_id, user_id, card_number_masked, last4, number_hash, card_holder_name,"
        " expiry_month, expiry_year, status, daily_limit, monthly_limit, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
        values,
    )


def move_card_status_in(
    conn: sqlite3.Connection, card_id: str, allowed: tuple[str, ...], target: str, now: float
) -> int:
    """Compare-and-set the status (only from one of ``allowed``); the number of rows moved (0 or 1)."""
    marks = ",".join("?" * len(allowed))
    cur = conn.execute(
        f"UPDATE nivo_cards SET status = ?, updated_at = ? WHERE id = ? AND status IN ({marks})",
        (target, now, card_id, *allowed),
    )
    return cur.rowcount


def set_card_limits_in(conn: sqlite3.Connection, card_id: str, daily: int, monthly: int, now: float) -> int:
    """New limits of an ``active`` card; the number of rows changed (0 or 1)."""
    cur = conn.execute(
        "UPDATE nivo_cards SET daily_limit = ?, monthly_limit = ?, updated_at = ? WHERE id = ? AND status = 'active'",
        (daily, monthly, now, card_id),
    )
    return cur.rowcount
