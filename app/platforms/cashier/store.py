"""SQL for Cashier's own rows: deposit and withdrawal requests (tables of migration 0400)."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.clock import utc_from_ts
from app.core.ledger.models import receipt_code

DEPOSITS = "cashier_deposits"
WITHDRAWALS = "cashier_withdrawals"
_TABLES = {DEPOSITS: "DEP-REQ", WITHDRAWALS: "WDL-REQ"}


def next_ref_in(conn: sqlite3.Connection, table: str, now: float) -> str:
    """``DEP-REQ-20251207-001``: one more than the day's highest number (the writer serialises writes,
    so no two collide; gaps left by seeded data are fine)."""
    prefix = f"{_TABLES[table]}-{utc_from_ts(now).strftime('%Y%m%d')}-"
    row = conn.execute(
        f"SELECT MAX(CAST(substr(request_ref, ?) AS INTEGER)) FROM {table} WHERE request_ref LIKE ?",
        (len(prefix) + 1, prefix + "%"),
    ).fetchone()
    return f"{prefix}{int(row[0] or 0) + 1:03d}"


def insert_in(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cur = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))
    return int(cur.lastrowid or 0)


def update_if_in(conn: sqlite3.Connection, table: str, request_ref: str, expected: str, values: dict[str, Any]) -> bool:
    """Compare-and-set: update the row only while its status is still ``expected``."""
    sets = ", ".join(f"{name} = ?" for name in values)
    cur = conn.execute(
        f"UPDATE {table} SET {sets} WHERE request_ref = ? AND status = ?",
        (*values.values(), request_ref, expected),
    )
    return cur.rowcount == 1


def get_in(conn: sqlite3.Connection, table: str, request_ref: str) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT * FROM {table} WHERE request_ref = ?", (request_ref,)).fetchone()
    return dict(row) if row is not None else None


def list_in(conn: sqlite3.Connection, table: str, user_id: int, limit: int, offset: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?", (user_id, limit, offset)
    ).fetchall()
    return [dict(r) for r in rows]


async def get(db: Any, table: str, request_ref: str) -> dict[str, Any] | None:
    return await db.read(lambda conn: get_in(conn, table, request_ref))  # type: ignore[no-any-return]


async def list_of(db: Any, table: str, user_id: int, limit: int, offset: int) -> list[dict[str, Any]]:
    return await db.read(lambda conn: list_in(conn, table, user_id, limit, offset))  # type: ignore[no-any-return]


def recompute_receipts_in(conn: sqlite3.Connection, _seconds: int) -> None:
    """Stored receipt codes derive from their journal's instant: after a seed rebase moved it, redo them."""
    for table in _TABLES:
        rows = conn.execute(
            f"SELECT r.id, j.id, j.created_at FROM {table} r JOIN journals j ON j.id = r.journal_id"
            " WHERE r.receipt_code IS NOT NULL"
        ).fetchall()
        conn.executemany(
            f"UPDATE {table} SET receipt_code = ? WHERE id = ?",
            [(receipt_code(int(journal), float(created)), rid) for rid, journal, created in rows],
        )
