"""SQL of ``nivo_verifications``: an identity OTP challenge bound to one operation and its parameters."""

from __future__ import annotations

import sqlite3


def insert_verification_in(
    conn: sqlite3.Connection,
    verification_id: str,
    user_id: int,
    operation: str,
    fingerprint: str,
    expires_at: float,
    now: float,
) -> sqlite3.Cursor:
    return conn.execute(
        "INSERT INTO nivo_verifications (id, user_id, operation_type, fingerprint, status, expires_at, created_at)"
        " VALUES (?, ?, ?, ?, 'pending', ?, ?)",
        (verification_id, user_id, operation, fingerprint, expires_at, now),
    )


def verification_in(conn: sqlite3.Connection, verification_id: str, user_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM nivo_verifications WHERE id = ? AND user_id = ?", (verification_id, user_id)
    ).fetchone()
    return row


def verification_by_token_in(conn: sqlite3.Connection, token_hash: str, user_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM nivo_verifications WHERE token_hash = ? AND user_id = ?", (token_hash, user_id)
    ).fetchone()
    return row


def mark_verified_in(conn: sqlite3.Connection, verification_id: str, token_hash: str, token_expires_at: float) -> None:
    """``pending`` -> ``verified`` with the hash of its verification token."""
    conn.execute(
        "UPDATE nivo_verifications SET status = 'verified', token_hash = ?, token_expires_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (token_hash, token_expires_at, verification_id),
    )


def mark_used_in(conn: sqlite3.Connection, verification_id: str, now: float) -> int:
    """``verified`` -> ``used``; the number of rows moved (0 or 1)."""
    cur = conn.execute(
        "UPDATE nivo_verifications SET status = 'used', used_at = ? WHERE id = ? AND status = 'verified'",
        (now, verification_id),
    )
    return cur.rowcount
