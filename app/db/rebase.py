"""Rebasing a seeded database onto the present.

A seeded database (``paysandbox seed``, ``sandbox.db.example``) is history that ends at one instant,
``seed.history_end`` in ``sandbox_state``. The first time a sandbox opens such a file (first serve,
``paysandbox reset``, ``POST /_sandbox/reset``, a new workspace) every timestamp in it moves by the
same whole number of seconds, so that history ends at the sandbox clock's "now": the newest item is
minutes old, renewals, deposit expiries and dispute deadlines lie as far in the future as they did at
the seed's end, and no backlog of scheduled work fires at start. The marker is then removed, so a
database is rebased once; snapshots and live databases never carry it.

What moves: every numeric value in a column named ``*_at`` or listed in ``EXTRA_COLUMNS`` (epoch
seconds, the only time format of the schema), and ISO-8601 instants inside text values (stored JSON
answers such as Drop's ``response``). What stays: migration stamps (``schema_version``), calendar
dates that are not instants (dates of birth, card expiry months), period starts of running totals
(recounted when their period changes) and ids that happen to embed a date (``DEP-REQ-20251202-001``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from app.db.state import state_in

SEED_END_KEY = "seed.history_end"
# A component's own values derived from instants (Cashier's stored receipt codes), recomputed after the
# move inside the same transaction: ``step(conn, seconds)``.
RebaseStep = Callable[[sqlite3.Connection, int], None]
EXTRA_COLUMNS = frozenset({"deadline", "merchant_response_deadline"})
KEPT_TABLES = frozenset({"schema_version", "sandbox_state"})
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_ISO_GLOB = "*[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*"


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [str(r[0]) for r in rows if r[0] not in KEPT_TABLES]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def time_columns(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (table, column) holding instants as epoch seconds."""
    return [
        (table, column)
        for table in _tables(conn)
        for column in _columns(conn, table)
        if column.endswith("_at") or column in EXTRA_COLUMNS
    ]


def shift_iso(text: str, seconds: int) -> str:
    """``text`` with every ISO-8601 instant in it moved by ``seconds``, each kept in its own format."""

    def move(match: re.Match[str]) -> str:
        body, fraction, zone = match.group(1), match.group(2) or "", match.group(3) or ""
        moved = datetime.fromisoformat(body).replace(tzinfo=UTC) + timedelta(seconds=seconds)
        return moved.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone

    return _ISO.sub(move, text)


def shift_all(conn: sqlite3.Connection, seconds: int) -> None:
    """Move every instant of the database by ``seconds`` (see the module docstring for what moves)."""
    for table, column in time_columns(conn):
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = "{column}" + ? WHERE typeof("{column}") IN (\'integer\', \'real\')',
            (seconds,),
        )
    # ISO text is moved in SQL through a function of this connection: no rowid needed, so tables
    # declared WITHOUT ROWID move too.
    conn.create_function("paysandbox_shift_iso", 2, shift_iso, deterministic=True)
    for table in _tables(conn):
        for column in _columns(conn, table):
            conn.execute(
                f'UPDATE "{table}" SET "{column}" = paysandbox_shift_iso("{column}", ?)'
                f' WHERE typeof("{column}") = \'text\' AND "{column}" GLOB ?',
                (seconds, _ISO_GLOB),
            )


def rebase_seeded_in(conn: sqlite3.Connection, now: float, steps: Sequence[RebaseStep] = ()) -> int | None:
    """Rebase a seeded database so its history ends at ``now``, once, then run each component's step.
    Returns the shift in seconds, or None when the database carries no seed marker (already rebased,
    or never seeded)."""
    end = state_in(conn, SEED_END_KEY)
    if end is None:
        return None
    seconds = round(now - float(end))
    conn.execute("BEGIN IMMEDIATE")
    try:
        shift_all(conn, seconds)
        for step in steps:
            step(conn, seconds)
        conn.execute("DELETE FROM sandbox_state WHERE key = ?", (SEED_END_KEY,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return seconds
