"""``tribble_merchants``: merchant profiles, KYC status and settlement settings (plus the counts of
a merchant's payments and disputes its profile shows, and the admin's pending-KYC list)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database


def lookup_merchant(db: Database, merchant_id: str) -> sqlite3.Row | None:
    """The merchant by id, read inline (``db.lookup``: the primary key, on the money path)."""
    return db.lookup("SELECT * FROM tribble_merchants WHERE id = ?", (merchant_id,))


def merchant_owner(db: Database, merchant_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT owner_user_id FROM tribble_merchants WHERE id = ?", (merchant_id,))


def insert_merchant_in(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """The next ``seq`` and the row (KYC PENDING). ``values``: id, owner_user_id, business_name, entity_type,
    tax_id, industry, risk_level, bank_account_id, bank_code, bank_account_masked, bank_account_holder,
    created_at."""
    seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM tribble_merchants").fetchone()[0])
    conn.execute(
        "INSERT INTO tribble_merchants (id, seq, owner_user_id, business_name, entity_type, tax_id, industry,"
        " kyc_status, risk_level, bank_account_id, bank_code, bank_account_masked, bank_account_holder,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)",
        (values[0], seq, *values[1:]),
    )


def payment_totals(db: Database, merchant_id: str) -> Awaitable[sqlite3.Row | None]:
    """COUNT ``n``, SUM ``volume`` and a ``currency`` of the merchant's successful transactions."""
    return db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS volume, MAX(currency) AS currency"
        " FROM tribble_transactions WHERE merchant_id = ? AND status = 'SUCCESS'",
        (merchant_id,),
    )


def dispute_totals(db: Database, merchant_id: str) -> Awaitable[sqlite3.Row | None]:
    """COUNT ``n`` of the merchant's disputes and ``cb``, those approved (chargebacks)."""
    return db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN resolution = 'APPROVED' THEN 1 ELSE 0 END), 0) AS cb"
        " FROM tribble_disputes WHERE merchant_id = ?",
        (merchant_id,),
    )


def set_settlement(db: Database, merchant_id: str, settlement: str) -> Awaitable[int]:
    return db.execute("UPDATE tribble_merchants SET settlement = ? WHERE id = ?", (settlement, merchant_id))


# --- admin KYC review ----------------------------------------------------------------------------


def pending_kyc(db: Database) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall("SELECT * FROM tribble_merchants WHERE kyc_status = 'PENDING'")


def kyc_documents_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT document_type, status FROM tribble_kyc_documents WHERE user_id = ? ORDER BY uploaded_at", (user_id,)
    )


def set_kyc(
    db: Database, merchant_id: str, status: str, assignments: str, now: float, values: tuple[object, ...]
) -> Awaitable[int]:
    """KYC status to ``status`` and ``assignments`` (their first placeholder takes ``now``)."""
    return db.execute(
        f"UPDATE tribble_merchants SET kyc_status = '{status}', {assignments} WHERE id = ?",
        (now, *values, merchant_id),
    )
