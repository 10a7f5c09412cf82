"""GDPR and compliance rows: ``drop_consents``, ``drop_complaints``, ``drop_data_access_requests``."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database

COMPLAINTS = "drop_complaints"


def insert_data_request(db: Database, request_id: str, user_id: int, kind: str, now: float) -> Awaitable[int]:
    """A data access request (``export`` or ``erasure``), completed at once."""
    return db.execute(
        "INSERT INTO drop_data_access_requests (id, user_id, type, status, created_at, completed_at) "
        "VALUES (?, ?, ?, 'completed', ?, ?)",
        (request_id, user_id, kind, now, now),
    )


# -- consents --------------------------------------------------------------------------------------


def consents_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall("SELECT * FROM drop_consents WHERE user_id = ? ORDER BY rowid", (user_id,))


def consent_of(db: Database, user_id: int, consent_type: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_consents WHERE user_id = ? AND consent_type = ?", (user_id, consent_type))


def set_consent_in(
    conn: sqlite3.Connection, new_id: str, user_id: int, consent_type: str, granted: bool, ip: str, now: float
) -> bool:
    """Grant or withdraw the user's consent of ``consent_type``; True when it is a new row (id ``new_id``)."""
    row = conn.execute(
        "SELECT id FROM drop_consents WHERE user_id = ? AND consent_type = ?", (user_id, consent_type)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO drop_consents (id, user_id, consent_type, granted, granted_at, withdrawn_at, ip_address) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (new_id, user_id, consent_type, int(granted), now if granted else None, None if granted else now, ip),
        )
        return True
    if granted:
        conn.execute(
            "UPDATE drop_consents SET granted = 1, granted_at = ?, withdrawn_at = NULL, ip_address = ? WHERE id = ?",
            (now, ip, row["id"]),
        )
    else:
        conn.execute(
            "UPDATE drop_consents SET granted = 0, withdrawn_at = ?, ip_address = ? WHERE id = ?",
            (now, ip, row["id"]),
        )
    return False


# -- complaints ------------------------------------------------------------------------------------


def insert_complaint(
    db: Database, complaint_id: str, user_id: int, category: str, subject: str, description: str, now: float
) -> Awaitable[int]:
    """A complaint, status ``received``."""
    return db.execute(
        "INSERT INTO drop_complaints (id, user_id, category, subject, description, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'received', ?)",
        (complaint_id, user_id, category, subject, description, now),
    )


def complaint_by_id(db: Database, complaint_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_complaints WHERE id = ?", (complaint_id,))
