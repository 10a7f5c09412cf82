"""Reading journals and entries back (replays, lookups by id, receipt code or idempotency key)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from app.core.ledger.models import SIDES, Entry, Journal, journal_id_from_receipt, receipt_code

ENTRY_COLUMNS = (
    "e.id, e.journal_id, e.account_id, a.number, a.currency, e.amount, e.side, e.balance_after, "
    "e.description, e.kind, e.created_at"
)
ENTRY_FROM = "FROM entries e JOIN accounts a ON a.id = e.account_id"
_JOURNAL_SELECT = "SELECT id, type, description, created_at, idempotency_key, metadata FROM journals"


def entry_from_row(row: Sequence[Any]) -> Entry:
    return Entry(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        SIDES[row[6]],
        row[7],
        row[8],
        row[9],
        row[10],
        receipt_code(row[1], row[10]),
    )


def _journal_from_row(conn: sqlite3.Connection, row: Sequence[Any], *, replayed: bool = False) -> Journal:
    entries = tuple(
        entry_from_row(r)
        for r in conn.execute(f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} WHERE e.journal_id = ? ORDER BY e.id", (row[0],))
    )
    return Journal(
        row[0],
        row[1],
        receipt_code(row[0], row[3]),
        row[2],
        row[3],
        row[4],
        json.loads(row[5]) if row[5] else {},
        entries,
        replayed,
    )


def journal_in(conn: sqlite3.Connection, journal_id: int, *, replayed: bool = False) -> Journal | None:
    row = conn.execute(f"{_JOURNAL_SELECT} WHERE id = ?", (journal_id,)).fetchone()
    return None if row is None else _journal_from_row(conn, row, replayed=replayed)


def journal_by_key_in(conn: sqlite3.Connection, idempotency_key: str) -> Journal | None:
    row = conn.execute(f"{_JOURNAL_SELECT} WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
    return None if row is None else _journal_from_row(conn, row)


def journal_by_receipt_in(conn: sqlite3.Connection, code: str) -> Journal | None:
    journal_id = journal_id_from_receipt(code)
    if journal_id is None:
        return None
    journal = journal_in(conn, journal_id)
    if journal is None or journal.receipt_code != code.strip().upper():
        return None
    return journal
