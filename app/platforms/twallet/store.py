"""T-Wallet's own tables, ``twallet_contacts`` and ``twallet_sends``: the only module of the platform with SQL.

Every function takes the connection of the job it runs in (``db.read``/``db.write``), so a caller
keeps its statements inside one transaction.
"""

from __future__ import annotations

import sqlite3

# ?type= of GET /profile/payment_transaction -> the sends it lists (1 sent, 2 received, else both).
_SENT_WHERE = "s.sender_user_id = ?"
_RECEIVED_WHERE = "s.recipient_user_id = ?"
_BOTH_WHERE = "(s.sender_user_id = ? OR s.recipient_user_id = ?)"


# -- twallet_contacts ------------------------------------------------------------------------
def upsert_contact(
    conn: sqlite3.Connection,
    owner_user_id: int,
    profile_id: str,
    contact_user_id: int,
    first_name: str,
    last_name: str,
    now: float,
) -> None:
    """Insert a saved contact, or replace the stored names when the owner saved that profile before."""
    conn.execute(
        "INSERT INTO twallet_contacts (owner_user_id, profile_id, contact_user_id, first_name, last_name,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (owner_user_id, profile_id) DO UPDATE SET first_name = excluded.first_name,"
        " last_name = excluded.last_name, updated_at = excluded.updated_at",
        (owner_user_id, profile_id, contact_user_id, first_name, last_name, now, now),
    )


def contacts_of(conn: sqlite3.Connection, owner_user_id: int) -> list[sqlite3.Row]:
    """The owner's saved contacts whose user is not deleted, oldest first."""
    return conn.execute(
        "SELECT c.* FROM twallet_contacts c JOIN users u ON u.id = c.contact_user_id"
        " WHERE c.owner_user_id = ? AND u.status != 'deleted' ORDER BY c.created_at, c.profile_id",
        (owner_user_id,),
    ).fetchall()


def delete_contact(conn: sqlite3.Connection, owner_user_id: int, profile_id: str) -> bool:
    """True when the owner had that profile saved (and it is gone now)."""
    cur = conn.execute(
        "DELETE FROM twallet_contacts WHERE owner_user_id = ? AND profile_id = ?", (owner_user_id, profile_id)
    )
    return cur.rowcount == 1


# -- twallet_sends ---------------------------------------------------------------------------
def send_by_idempotency_key(conn: sqlite3.Connection, sender_user_id: int, key: str) -> sqlite3.Row | None:
    """``(id, to_profile_id, asset_key, amount, notes)`` of the sender's send made with ``key``."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, to_profile_id, asset_key, amount, notes FROM twallet_sends"
        " WHERE sender_user_id = ? AND idempotency_key = ?",
        (sender_user_id, key),
    ).fetchone()
    return row


def insert_send(
    conn: sqlite3.Connection,
    *,
    sender_user_id: int,
    recipient_user_id: int,
    from_account_id: str,
    to_profile_id: str,
    asset_key: str,
    amount: int,
    fee: int,
    notes: str | None,
    sender_ledger_account: int,
    recipient_ledger_account: int,
    hold_id: int,
    idempotency_key: str | None,
    now: float,
) -> int:
    """A ``pending`` send; returns its id."""
    cur = conn.execute(
        "INSERT INTO twallet_sends (sender_user_id, recipient_user_id, from_account_id, to_profile_id, asset_key,"
        " amount, fee, notes, status, sender_ledger_account, recipient_ledger_account, hold_id, idempotency_key,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
        (
            sender_user_id,
            recipient_user_id,
            from_account_id,
            to_profile_id,
            asset_key,
            amount,
            fee,
            notes,
            sender_ledger_account,
            recipient_ledger_account,
            hold_id,
            idempotency_key,
            now,
        ),
    )
    return int(cur.lastrowid or 0)


def send_by_id(conn: sqlite3.Connection, send_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM twallet_sends WHERE id = ?", (send_id,)).fetchone()
    return row


def mark_send_completed(conn: sqlite3.Connection, send_id: int, journal_id: int, now: float) -> None:
    conn.execute(
        "UPDATE twallet_sends SET status = 'completed', journal_id = ?, completed_at = ? WHERE id = ?",
        (journal_id, now, send_id),
    )


def mark_send_failed(conn: sqlite3.Connection, send_id: int, reason: str, now: float) -> None:
    conn.execute(
        "UPDATE twallet_sends SET status = 'failed', failure_reason = ?, completed_at = ? WHERE id = ?",
        (reason, now, send_id),
    )


def _party(user_id: int, kind: int) -> tuple[str, tuple[int, ...]]:
    if kind == 1:
        return _SENT_WHERE, (user_id,)
    if kind == 2:
        return _RECEIVED_WHERE, (user_id,)
    return _BOTH_WHERE, (user_id, user_id)


def count_sends_of(conn: sqlite3.Connection, user_id: int, kind: int) -> int:
    """How many sends the user made (kind 1), received (2) or both (3)."""
    where, params = _party(user_id, kind)
    return int(conn.execute(f"SELECT COUNT(*) FROM twallet_sends s WHERE {where}", params).fetchone()[0])


def sends_of(conn: sqlite3.Connection, user_id: int, kind: int, limit: int, offset: int) -> list[sqlite3.Row]:
    """One page of the user's sends, newest first, with ``sender_uuid`` and ``recipient_uuid``."""
    where, params = _party(user_id, kind)
    return conn.execute(
        f"SELECT s.*, su.uuid AS sender_uuid, ru.uuid AS recipient_uuid FROM twallet_sends s"
        f" JOIN users su ON su.id = s.sender_user_id JOIN users ru ON ru.id = s.recipient_user_id"
        f" WHERE {where} ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
