"""The sandbox inbox: every OTP or notification "sent" by email, SMS or WhatsApp lands here.

Nothing leaves the machine; tests and the control API read codes from this table.
"""

from __future__ import annotations

import sqlite3

from app.core.identity.models import InboxMessage

CHANNELS = ("email", "sms", "whatsapp")


def deliver_in(
    conn: sqlite3.Connection,
    now: float,
    channel: str,
    to: str,
    subject: str,
    body: str,
    *,
    code: str | None = None,
    purpose: str | None = None,
    user_id: int | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO inbox_messages (channel, recipient, subject, body, code, purpose, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (channel, to, subject, body, code, purpose, user_id, now),
    )
    return int(cur.lastrowid or 0)


def list_in(
    conn: sqlite3.Connection, to: str | None = None, purpose: str | None = None, limit: int = 50
) -> list[InboxMessage]:
    clauses: list[str] = []
    params: list[object] = []
    if to is not None:
        clauses.append("lower(recipient) = lower(?)")
        params.append(to)
    if purpose is not None:
        clauses.append("purpose = ?")
        params.append(purpose)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        f"SELECT * FROM inbox_messages {where} ORDER BY id DESC LIMIT ?", (*params, max(1, min(int(limit), 1000)))
    ).fetchall()
    return [InboxMessage.from_row(row) for row in rows]
