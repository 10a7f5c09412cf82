"""A card-processor-backed transaction (card payment, wallet funding) leaving PROCESSING.

Both run on the writer: ``succeed_in`` as the ledger posting's ``on_posted`` (same savepoint),
``fail_in`` on its own; a transaction no longer PROCESSING is not failed again.
"""

from __future__ import annotations

import sqlite3


def fail_in(conn: sqlite3.Connection, txn_id: str, message: str, now: float) -> None:
    conn.execute(
        "UPDATE tribble_transactions SET status = 'FAILED', processor_status = 'failed',"
        " processor_message = ?, completed_at = ? WHERE id = ? AND status = 'PROCESSING'",
        (message, now, txn_id),
    )


def succeed_in(conn: sqlite3.Connection, txn_id: str, journal_id: int, now: float) -> None:
    conn.execute(
        "UPDATE tribble_transactions SET status = 'SUCCESS', processor_status = 'success',"
        " processor_message = 'Transaction completed successfully', journal_id = ?, completed_at = ?"
        " WHERE id = ?",
        (journal_id, now, txn_id),
    )
