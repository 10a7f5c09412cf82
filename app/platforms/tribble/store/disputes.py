"""Tribble's dispute tables: ``tribble_disputes`` and ``tribble_dispute_evidence`` (plus the
chargeback rows a resolution writes into ``tribble_refunds``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from app.core.errors import InsufficientFunds
from app.core.ledger.holds import place_hold_in
from app.core.ledger.models import Journal

if TYPE_CHECKING:
    from app.db.database import Database


def dispute_by_id(db: Database, dispute_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM tribble_disputes WHERE id = ?", (dispute_id,))


def open_dispute_of(conn: sqlite3.Connection, transaction_id: str) -> Any:
    return conn.execute(
        "SELECT id FROM tribble_disputes WHERE transaction_id = ? AND status != 'RESOLVED'", (transaction_id,)
    ).fetchone()


def refunded_amount(conn: sqlite3.Connection, transaction_id: str) -> int:
    return int(
        conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM tribble_refunds WHERE transaction_id = ? AND status != 'FAILED'",
            (transaction_id,),
        ).fetchone()[0]
    )


def hold_if_funded(conn: sqlite3.Connection, now: float, account_id: int, value: int, reference: str) -> int | None:
    """A hold of ``value`` on the account, or None (nothing held) when its balance cannot cover it."""
    try:
        conn.execute("SAVEPOINT dispute_hold")
        hold_id = place_hold_in(conn, now, account_id, value, reference=reference).id
        conn.execute("RELEASE dispute_hold")
    except InsufficientFunds:
        conn.execute("ROLLBACK TO dispute_hold")
        conn.execute("RELEASE dispute_hold")
        return None
    return hold_id


def insert_dispute(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """``values``: id, transaction_id, customer_user_id, merchant_id, reason, description, amount, currency,
    hold_id, deadline, merchant_response_deadline, created_at (status OPEN)."""
    conn.execute(
        "INSERT INTO tribble_disputes (id, transaction_id, customer_user_id, merchant_id, reason, description,"
        " amount, currency, status, hold_id, deadline, merchant_response_deadline, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?)",
        values,
    )


def insert_evidence(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """``values``: id, dispute_id, uploaded_by, type, filename, content_type, size, content, description,
    uploaded_at."""
    conn.execute(
        "INSERT INTO tribble_dispute_evidence (id, dispute_id, uploaded_by, type, filename, content_type, size,"
        " content, description, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        values,
    )


def start_investigation(conn: sqlite3.Connection, dispute_id: str, now: float) -> None:
    conn.execute(
        "UPDATE tribble_disputes SET status = 'INVESTIGATING', investigation_started_at ="
        " COALESCE(investigation_started_at, ?) WHERE id = ? AND status = 'OPEN'",
        (now, dispute_id),
    )


def evidence_count(conn: sqlite3.Connection, dispute_id: str) -> int:
    return int(
        conn.execute("SELECT COUNT(*) FROM tribble_dispute_evidence WHERE dispute_id = ?", (dispute_id,)).fetchone()[0]
    )


def evidence_list(db: Database, dispute_id: str) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT id, type, filename, size, uploaded_at FROM tribble_dispute_evidence WHERE dispute_id = ?"
        " ORDER BY uploaded_at, id",
        (dispute_id,),
    )


def evidence_file(db: Database, evidence_id: str, dispute_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone(
        "SELECT content, content_type, filename FROM tribble_dispute_evidence WHERE id = ? AND dispute_id = ?",
        (evidence_id, dispute_id),
    )


def reject(db: Database, dispute_id: str, notes: str | None, now: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'REJECTED', notes = ?, resolved_at = ?,"
        " refund_amount = 0 WHERE id = ?",
        (notes, now, dispute_id),
    )


def approve(
    conn: sqlite3.Connection,
    journal: Journal,
    dispute: Any,
    refund_id: str,
    value: int,
    notes: str | None,
    requested_by: int,
    now: float,
) -> None:
    """The chargeback refund row and the dispute RESOLVED/APPROVED, in the ledger posting's transaction."""
    conn.execute(
        "INSERT INTO tribble_refunds (id, transaction_id, amount, currency, reason, description, status,"
        " requested_by, journal_id, created_at, completed_at)"
        " VALUES (?, ?, ?, ?, 'dispute', ?, 'COMPLETED', ?, ?, ?, ?)",
        (
            refund_id,
            dispute["transaction_id"],
            value,
            dispute["currency"],
            f"Dispute {dispute['id']}",
            requested_by,
            journal.id,
            now,
            now,
        ),
    )
    conn.execute(
        "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'APPROVED', notes = ?, resolved_at = ?,"
        " refund_id = ?, refund_amount = ?, journal_id = ? WHERE id = ?",
        (notes, now, refund_id, value, journal.id, dispute["id"]),
    )
