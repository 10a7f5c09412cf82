"""A transaction by id, as the Socket.IO events and the chargebacks read it (its merchant's owner:
``store.merchants``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database


def transaction_by_id(db: Database, transaction_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM tribble_transactions WHERE id = ?", (transaction_id,))
