"""SQL of ``nivo_transactions`` (Nivo ids and categories over ledger journals), the running spend
totals of ``nivo_wallet_spend`` and the fixed list of ``nivo_categories``."""

from __future__ import annotations

import sqlite3
from typing import Any

# One statement on the hot path: add ``?4`` to the running totals when they are for this day and
# month; otherwise (a new day or month, the clock moved, or no row yet) mark them -1 for a recount.
_ADD_SPEND_SQL = (
    "INSERT INTO nivo_wallet_spend (wallet_id, day_start, day_total, month_start, month_total)"
    " VALUES (?1, ?2, -1, ?3, -1) ON CONFLICT(wallet_id) DO UPDATE SET"
    " day_total = CASE WHEN day_start = excluded.day_start AND month_start = excluded.month_start"
    " THEN day_total + ?4 ELSE -1 END,"
    " month_total = CASE WHEN day_start = excluded.day_start AND month_start = excluded.month_start"
    " THEN month_total + ?4 ELSE -1 END,"
    " day_start = excluded.day_start, month_start = excluded.month_start"
    " RETURNING day_total, month_total"
)


def add_spend_in(conn: sqlite3.Connection, wallet_id: str, day: float, month: float, amount: int) -> tuple[int, int]:
    """The running (day, month) totals with ``amount`` added; (-1, -1) when they must be recounted."""
    day_total, month_total = conn.execute(_ADD_SPEND_SQL, (wallet_id, day, month, amount)).fetchone()
    return day_total, month_total


def count_spend_in(
    conn: sqlite3.Connection, wallet_id: str, day: float, month: float, next_month: float
) -> tuple[int, int]:
    """Outgoing completed totals of a wallet counted from its rows: (that day, that month)."""
    totals = conn.execute(
        "SELECT COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN amount ELSE 0 END), 0),"
        " COALESCE(SUM(amount), 0) FROM nivo_transactions"
        " WHERE from_wallet_id = ? AND type IN ('transfer', 'withdrawal') AND status = 'completed'"
        " AND created_at >= ? AND created_at < ?",
        (day, day + 86_400, wallet_id, month, next_month),
    ).fetchone()
    return int(totals[0]), int(totals[1])


def set_spend_in(conn: sqlite3.Connection, wallet_id: str, day_total: int, month_total: int) -> None:
    conn.execute(
        "UPDATE nivo_wallet_spend SET day_total = ?, month_total = ? WHERE wallet_id = ?",
        (day_total, month_total, wallet_id),
    )


def insert_transaction_in(conn: sqlite3.Connection, values: tuple[Any, ...]) -> sqlite3.Row:
    """A ``completed`` transaction; ``values``: (id, journal_id, type, user_id, from_wallet_id,
    to_wallet_id, amount, currency, description, channel, created_at). Returns the row as stored."""
    row: sqlite3.Row = conn.execute(
        "INSERT INTO nivo_transactions (id, journal_id, type, user_id, from_wallet_id, to_wallet_id, amount,"
        " currency, status, description, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?)"
        " RETURNING *",
        values,
    ).fetchone()
    return row


def transaction_by_journal_in(conn: sqlite3.Connection, journal_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM nivo_transactions WHERE journal_id = ?", (journal_id,)
    ).fetchone()
    return row


def visible_transaction_in(conn: sqlite3.Connection, transaction_id: str, user_id: int) -> sqlite3.Row | None:
    """A transaction the user initiated or that moved money of one of their wallets."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT t.* FROM nivo_transactions t WHERE t.id = ? AND (t.user_id = ?"
        " OR EXISTS (SELECT 1 FROM nivo_wallets w"
        " WHERE w.user_id = ? AND w.id IN (t.from_wallet_id, t.to_wallet_id)))",
        (transaction_id, user_id, user_id),
    ).fetchone()
    return row


def set_category_in(conn: sqlite3.Connection, transaction_id: str, category: str) -> sqlite3.Row:
    """Set the category; returns the updated row."""
    conn.execute("UPDATE nivo_transactions SET category = ? WHERE id = ?", (category, transaction_id))
    updated: sqlite3.Row = conn.execute("SELECT * FROM nivo_transactions WHERE id = ?", (transaction_id,)).fetchone()
    return updated


def transactions_by_journals_in(conn: sqlite3.Connection, journal_ids: list[int]) -> list[sqlite3.Row]:
    """(journal_id, id, type, category) of the transactions of these journals (``journal_ids`` not empty)."""
    marks = ",".join("?" * len(journal_ids))
    return conn.execute(
        f"SELECT journal_id, id, type, category FROM nivo_transactions WHERE journal_id IN ({marks})",
        tuple(journal_ids),
    ).fetchall()


def spending_by_category_in(conn: sqlite3.Connection, wallet_id: str, start: float, end: float) -> list[sqlite3.Row]:
    """(category, total) of a wallet's outgoing completed transactions in [start, end), largest first."""
    return conn.execute(
        "SELECT COALESCE(category, 'other') AS category, SUM(amount) AS total FROM nivo_transactions"
        " WHERE from_wallet_id = ? AND type IN ('transfer', 'withdrawal') AND status = 'completed'"
        " AND created_at >= ? AND created_at < ? GROUP BY 1 ORDER BY 2 DESC, 1",
        (wallet_id, start, end),
    ).fetchall()


def category_names_in(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT name FROM nivo_categories ORDER BY rowid").fetchall()


def categories_in(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """(name, label) of every category, in the list's order."""
    return conn.execute("SELECT name, label FROM nivo_categories ORDER BY rowid").fetchall()
