"""SQL for Tribble's KYC documents (``tribble_kyc_documents``) and the usage totals the tier limits read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any


def documents_of_user(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT document_type, status, uploaded_at, verified_at FROM tribble_kyc_documents"
        " WHERE user_id = ? ORDER BY uploaded_at, id",
        (user_id,),
    ).fetchall()


def pending_documents(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, document_type, ocr FROM tribble_kyc_documents WHERE user_id = ? AND status = 'PENDING_REVIEW'",
        (user_id,),
    ).fetchall()


def set_document_status(conn: sqlite3.Connection, document_id: str, status: str, now: float) -> None:
    conn.execute(
        "UPDATE tribble_kyc_documents SET status = ?, verified_at = ? WHERE id = ?", (status, now, document_id)
    )


def verified_types(conn: sqlite3.Connection, user_id: int) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT document_type FROM tribble_kyc_documents WHERE user_id = ? AND status = 'VERIFIED'", (user_id,)
        )
    }


def insert_document(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """``values``: id, submission_id, user_id, document_type, filename, content_type, size, content,
    ocr, uploaded_at; the document starts PENDING_REVIEW."""
    conn.execute(
        "INSERT INTO tribble_kyc_documents (id, submission_id, user_id, document_type, filename, content_type,"
        " size, content, ocr, status, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING_REVIEW', ?)",
        values,
    )


def pending_count(conn: sqlite3.Connection, user_id: int) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM tribble_kyc_documents WHERE user_id = ? AND status = 'PENDING_REVIEW'", (user_id,)
    ).fetchone()
    return int(row[0])


# This month's running totals per UTC day and currency (tribble_usage_days, kept by triggers on
# payments and top-ups: migration 0806): at most 31 rows a currency, however busy the month was.
_MONTH_TOTALS = (
    "SELECT currency, SUM(amount), SUM(CASE WHEN day >= :day THEN amount ELSE 0 END),"
    " SUM(CASE WHEN day >= :day THEN operations ELSE 0 END) FROM tribble_usage_days"
    " WHERE user_id = :user AND day >= :month GROUP BY currency"
)


def month_totals(conn: sqlite3.Connection, user_id: int, month_start: float, day_start: float) -> Iterable[Any]:
    """(currency, month's sum, today's sum, today's count) per currency of the user's usage."""
    params = {"user": user_id, "month": int(month_start), "day": int(day_start)}
    return conn.execute(_MONTH_TOTALS, params)
