"""Versioned SQL migrations applied at startup.

Files live in ``app/db/migrations/NNNN_name.sql``. Each applied version is a row in
``schema_version``; any version not yet there is applied in ascending order, each in its own
transaction, so migrating an older database forward keeps its data. Number ranges are
allocated per area so parallel work never collides:

    0001-0099 foundation   0100-0199 ledger      0200-0299 identity   0300-0399 simulators
    0400-0499 cashier      0500-0599 nivo        0600-0699 twallet    0700-0799 drop
    0800-0899 tribble      0900-0999 workspaces/sandbox
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file shipped with the package, sorted."""
    found: list[tuple[int, str, str]] = []
    for entry in resources.files("app.db").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


def current_versions(conn: sqlite3.Connection) -> set[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {row[0] for row in conn.execute("SELECT version FROM schema_version")}


def apply_migrations(conn: sqlite3.Connection) -> list[int]:
    """Apply every missing migration; returns the versions applied now. Idempotent."""
    applied_now: list[int] = []
    done = current_versions(conn)
    for version, name, sql in available_migrations():
        if version in done:
            continue
        stamp = datetime.now(UTC).isoformat()
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _split(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, stamp),
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied_now.append(version)
    return applied_now


def _split(sql: str) -> list[str]:
    """Split a migration script into complete statements (triggers included)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
