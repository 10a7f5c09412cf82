"""``drop_feature_flags``: one row per feature flag (name, enabled)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def flag_rows(db: Database) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall("SELECT name, enabled FROM drop_feature_flags")


def flag_row(db: Database, name: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT enabled FROM drop_feature_flags WHERE name = ?", (name,))


def set_flags_in(conn: sqlite3.Connection, values: Mapping[str, bool]) -> None:
    for name, enabled in values.items():
        conn.execute(
            "INSERT INTO drop_feature_flags (name, enabled) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled",
            (name, int(bool(enabled))),
        )
