"""SQL of ``nivo_wallets``: a Nivo wallet (uuid, status, limits) over a ledger wallet account."""

from __future__ import annotations

import sqlite3


def wallet_row_in(conn: sqlite3.Connection, wallet_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM nivo_wallets WHERE id = ?", (wallet_id,)).fetchone()
    return row


def wallet_rows_in(conn: sqlite3.Connection, wallet_ids: list[str]) -> sqlite3.Cursor:
    """The rows of several wallets by id (one statement; ``wallet_ids`` not empty), in no order."""
    marks = ", ".join("?" * len(wallet_ids))
    return conn.execute(f"SELECT * FROM nivo_wallets WHERE id IN ({marks})", wallet_ids)


def wallet_rows_of_user_in(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM nivo_wallets WHERE user_id = ? ORDER BY created_at, id", (user_id,)).fetchall()


def wallet_id_in_currency_in(conn: sqlite3.Connection, user_id: int, currency: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT id FROM nivo_wallets WHERE user_id = ? AND currency = ?", (user_id, currency)
    ).fetchone()
    return row


def payee_wallet_id_in(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    """The wallet a user is paid into: their INR wallet, else their oldest active one, else their oldest."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT id FROM nivo_wallets WHERE user_id = ? ORDER BY (currency = 'INR') DESC, (status = 'active') DESC,"
        " created_at LIMIT 1",
        (user_id,),
    ).fetchone()
    return row


def insert_wallet_in(
    conn: sqlite3.Connection,
    wallet_id: str,
    user_id: int,
    account_id: int,
    currency: str,
    daily_limit: int,
    monthly_limit: int,
    now: float,
) -> None:
    """A new ``pending`` wallet; ``sqlite3.IntegrityError`` when the user has one in ``currency``."""
    conn.execute(
        "INSERT INTO nivo_wallets (id, user_id, account_id, currency, status, daily_limit, monthly_limit,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
        (wallet_id, user_id, account_id, currency, daily_limit, monthly_limit, now, now),
    )


def move_wallet_status_in(
    conn: sqlite3.Connection, wallet_id: str, allowed: tuple[str, ...], target: str, now: float
) -> int:
    """Compare-and-set the status (only from one of ``allowed``); the number of rows moved (0 or 1)."""
    cur = conn.execute(
        "UPDATE nivo_wallets SET status = ?, updated_at = ?"
        f" WHERE id = ? AND status IN ({','.join('?' * len(allowed))})",
        (target, now, wallet_id, *allowed),
    )
    return cur.rowcount
