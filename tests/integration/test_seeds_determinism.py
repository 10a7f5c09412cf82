"""The same seed gives the same database: every table, every row (not only the ledger's ``ledger_hash``).

Two builds with one seed run in two processes with different ``PYTHONHASHSEED`` (so an iteration over
a set of strings, whose order changes from process to process, shows up too) and are compared table
by table: every table sqlite_master lists (a new table is covered without touching this file), all
rows by rowid. The only allowed differences: when each migration was applied
(``schema_version.applied_at``) and per-database secrets in ``sandbox_state`` (each copy makes its
own).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from seeds.generator import build

SMALL = {"users": 20, "days": 10}
SEED = 7

# (table, column) pairs left out of the comparison: wall-clock time of the build.
IGNORED_COLUMNS = {("schema_version", "applied_at")}
# sandbox_state keys left out: per-database secrets (JWT signing, Tribble receipt signing).
IGNORED_STATE_KEYS = ("jwt_secret", "tribble.receipt_secret")

Row = tuple[object, ...]


def _seed_in_subprocess(path: Path, seed: int, hash_seed: str) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "app.cli", "seed", "--db", str(path), "--seed", str(seed), "--force"]
    args += ["--users", str(SMALL["users"]), "--days", str(SMALL["days"])]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _table_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[Row]]:
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    kept = [c for c in columns if (table, c) not in IGNORED_COLUMNS]
    where = ""
    params: tuple[str, ...] = ()
    if table == "sandbox_state":
        where = f" WHERE key NOT IN ({', '.join('?' * len(IGNORED_STATE_KEYS))})"
        params = IGNORED_STATE_KEYS
    select = ", ".join(f'"{c}"' for c in kept)
    try:
        found = conn.execute(f'SELECT rowid, {select} FROM "{table}"{where} ORDER BY rowid', params).fetchall()
        return ["rowid", *kept], found
    except sqlite3.OperationalError:  # a WITHOUT ROWID table: its primary key orders it
        return kept, conn.execute(f'SELECT {select} FROM "{table}"{where}', params).fetchall()


def differences(a: Path, b: Path) -> list[str]:
    """One line per differing table (schema included), naming its first differing row; [] when equal."""
    conn_a = sqlite3.connect(f"file:{a}?mode=ro", uri=True)
    conn_b = sqlite3.connect(f"file:{b}?mode=ro", uri=True)
    found: list[str] = []
    try:
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        if conn_a.execute(schema).fetchall() != conn_b.execute(schema).fetchall():
            found.append("sqlite_master: the schemas differ")
        tables = _tables(conn_a)
        for table in sorted(set(tables) ^ set(_tables(conn_b))):
            found.append(f"{table}: only in {a.name if table in tables else b.name}")
        for table in sorted(set(tables) & set(_tables(conn_b))):
            columns, rows_a = _table_rows(conn_a, table)
            _, rows_b = _table_rows(conn_b, table)
            if rows_a == rows_b:
                continue
            at = next((n for n, (x, y) in enumerate(zip(rows_a, rows_b, strict=False)) if x != y), None)
            if at is None:
                found.append(f"{table}: {len(rows_a)} rows in {a.name}, {len(rows_b)} in {b.name}")
                continue
            changed = [c for c, x, y in zip(columns, rows_a[at], rows_b[at], strict=True) if x != y]
            found.append(
                f"{table}: row {at} (of {len(rows_a)}) differs in {changed}:\n"
                f"    {a.name}: {dict(zip(columns, rows_a[at], strict=True))}\n"
                f"    {b.name}: {dict(zip(columns, rows_b[at], strict=True))}"
            )
    finally:
        conn_a.close()
        conn_b.close()
    return found


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    finally:
        conn.close()


def test_the_same_seed_gives_the_same_rows_in_every_table(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    builds = [_seed_in_subprocess(first, SEED, "1"), _seed_in_subprocess(second, SEED, "2")]
    for process in builds:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    # The small build still writes the rows whose ids were once random.
    for table in ("drop_notifications", "drop_transactions", "nivo_transactions", "tribble_transactions"):
        assert count(first, table) > 0, table
    found = differences(first, second)
    assert not found, "two builds with seed 7 differ:\n" + "\n".join(found)


def test_another_seed_gives_another_database(tmp_path: Path) -> None:
    one, other = tmp_path / "seed7.db", tmp_path / "seed8.db"
    build(one, seed=SEED, **SMALL)
    build(other, seed=SEED + 1, **SMALL)
    differing = {line.split(":", 1)[0] for line in differences(one, other)}
    # Not a vacuous comparison: users, the ledger and the drop notifications all differ.
    assert {"users", "journals", "entries", "drop_notifications"} <= differing, differing
    assert differences(one, one) == []
