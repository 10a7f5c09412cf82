"""The ``sandbox_state`` key/value table (0001_foundation.sql): small per-sandbox settings and state
(clock offset, FX feed, Tribble's KYC review delay) that snapshots, restores and workspaces carry."""

from __future__ import annotations

import sqlite3


def state_in(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sandbox_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_state_in(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO sandbox_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
