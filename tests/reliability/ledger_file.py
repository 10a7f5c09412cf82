"""Read-only looks at a sandbox's SQLite file (what a user's `sqlite3 sandbox.db` would see)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from app.core.ledger.invariants import check_file


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def assert_invariants(db: Path) -> None:
    """The same check as `paysandbox check`."""
    report = check_file(db)
    assert report.ok, report.render()


def user_wallet_balance(db: Path, user_id: int, currency: str) -> int:
    found = rows(
        db,
        "SELECT balance FROM accounts WHERE owner_type = 'user' AND owner_id = ? AND currency = ? "
        "AND purpose = 'ACCOUNT_PURPOSE_WALLET'",
        (user_id, currency),
    )
    return int(found[0]["balance"]) if found else 0
