"""One page of a Drop table's rows of one owner, filtered and sorted (conditions built by ``filters``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database


def count_of(db: Database, table: str, clause: str, params: Sequence[Any]) -> Awaitable[sqlite3.Row | None]:
    """``{"n": <rows matching clause>}``."""
    return db.fetchone(f"SELECT COUNT(*) AS n FROM {table} WHERE {clause}", tuple(params))


def page_of(
    db: Database, table: str, clause: str, params: Sequence[Any], ordering: str, size: int, offset: int
) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        f"SELECT * FROM {table} WHERE {clause} ORDER BY {ordering} LIMIT ? OFFSET ?", (*params, size, offset)
    )
