"""SQL of ``nivo_beneficiaries``: another Nivo user a wallet owner pays."""

from __future__ import annotations

import sqlite3


def beneficiary_by_pair_in(conn: sqlite3.Connection, owner_id: int, target_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM nivo_beneficiaries WHERE owner_user_id = ? AND beneficiary_user_id = ?", (owner_id, target_id)
    ).fetchone()
    return row


def has_beneficiary_in(conn: sqlite3.Connection, owner_id: int, target_id: int) -> bool:
    row = conn.execute(
        "SELECT id FROM nivo_beneficiaries WHERE owner_user_id = ? AND beneficiary_user_id = ?",
        (owner_id, target_id),
    ).fetchone()
    return row is not None


def insert_beneficiary_in(
    conn: sqlite3.Connection,
    beneficiary_id: str,
    owner_id: int,
    target_id: int,
    wallet_id: str | None,
    nickname: str,
    phone: str,
    now: float,
) -> sqlite3.Row:
    """The new row; ``sqlite3.IntegrityError`` when the owner already has this beneficiary."""
    conn.execute(
        "INSERT INTO nivo_beneficiaries (id, owner_user_id, beneficiary_user_id, wallet_id, nickname, phone,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (beneficiary_id, owner_id, target_id, wallet_id, nickname, phone, now),
    )
    row: sqlite3.Row = conn.execute("SELECT * FROM nivo_beneficiaries WHERE id = ?", (beneficiary_id,)).fetchone()
    return row


def beneficiaries_of_in(conn: sqlite3.Connection, owner_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM nivo_beneficiaries WHERE owner_user_id = ? ORDER BY created_at, id", (owner_id,)
    ).fetchall()


def delete_beneficiary_in(conn: sqlite3.Connection, beneficiary_id: str, owner_id: int) -> int:
    """The number of rows deleted (0 or 1)."""
    return conn.execute(
        "DELETE FROM nivo_beneficiaries WHERE id = ? AND owner_user_id = ?", (beneficiary_id, owner_id)
    ).rowcount
