"""Account statements and entry pages for a period, by index ``(account_id, created_at, id)``.

A period is ``start <= created_at < end`` on the sandbox clock (either bound optional). The
opening balance is the balance after the last entry before ``start`` (0 when none); the closing
balance is opening + credits - debits within the period.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.ledger.accounts import require_account_in
from app.core.ledger.journals import ENTRY_COLUMNS, ENTRY_FROM, entry_from_row
from app.core.ledger.models import Entry, Statement


def _period(account_id: int, start: float | None, end: float | None) -> tuple[str, list[Any]]:
    where = "e.account_id = ?"
    params: list[Any] = [account_id]
    if start is not None:
        where += " AND e.created_at >= ?"
        params.append(start)
    if end is not None:
        where += " AND e.created_at < ?"
        params.append(end)
    return where, params


def entries_in(
    conn: sqlite3.Connection,
    account_id: int,
    *,
    start: float | None = None,
    end: float | None = None,
    limit: int | None = 50,
    offset: int = 0,
    newest_first: bool = False,
) -> tuple[list[Entry], int]:
    """One page of an account's entries in the period, and the period's total count."""
    where, params = _period(account_id, start, end)
    total = conn.execute(f"SELECT count(*) FROM entries e WHERE {where}", params).fetchone()[0]
    order = "DESC" if newest_first else "ASC"
    rows = conn.execute(
        f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} WHERE {where} ORDER BY e.created_at {order}, e.id {order} "
        "LIMIT ? OFFSET ?",
        [*params, -1 if limit is None else max(0, limit), max(0, offset)],
    ).fetchall()
    return [entry_from_row(r) for r in rows], int(total)


def last_entry_in(conn: sqlite3.Connection, account_id: int) -> Entry | None:
    """An account's newest entry: one step down the (account_id, created_at, id) index, whatever its history."""
    row = conn.execute(
        f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} WHERE e.account_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
        (account_id,),
    ).fetchone()
    return None if row is None else entry_from_row(row)


def statement_in(
    conn: sqlite3.Connection,
    account_id: int,
    *,
    start: float | None = None,
    end: float | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Statement:
    account = require_account_in(conn, account_id)
    where, params = _period(account_id, start, end)
    debits, credits = conn.execute(
        "SELECT coalesce(sum(CASE WHEN side = 'D' THEN amount END), 0), "
        f"coalesce(sum(CASE WHEN side = 'C' THEN amount END), 0) FROM entries e WHERE {where}",
        params,
    ).fetchone()
    opening = 0
    if start is not None:
        row = conn.execute(
            "SELECT balance_after FROM entries WHERE account_id = ? AND created_at < ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (account_id, start),
        ).fetchone()
        opening = row[0] if row is not None else 0
    entries, count = entries_in(conn, account_id, start=start, end=end, limit=limit, offset=offset)
    return Statement(account, start, end, opening, opening + credits - debits, debits, credits, entries, count)
