"""The group-committing writer: batches, isolates failing jobs, serialises writes."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from app.db.database import Database


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(tmp_path / "w.db", batch_max=64)
    database.open()
    await database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))")
    try:
        yield database
    finally:
        database.close()


async def test_failed_job_does_not_affect_batch_neighbours(db: Database) -> None:
    async def insert(v: int) -> int:
        return await db.execute("INSERT INTO t (v) VALUES (?)", (v,))

    results = await asyncio.gather(*(insert(v) for v in [1, -1, 2, -2, 3]), return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 2 and all(isinstance(f, sqlite3.IntegrityError) for f in failures)
    rows = await db.fetchall("SELECT v FROM t ORDER BY v")
    assert [r["v"] for r in rows] == [1, 2, 3]


async def test_concurrent_writes_are_batched_and_all_commit(db: Database) -> None:
    await asyncio.gather(*(db.execute("INSERT INTO t (v) VALUES (?)", (i,)) for i in range(500)))
    row = await db.fetchone("SELECT count(*) AS n, sum(v) AS s FROM t")
    assert row["n"] == 500 and row["s"] == sum(range(500))
    assert db.writer.stats.max_batch > 1


async def test_backup_and_restore_roundtrip(db: Database, tmp_path: Path) -> None:
    await db.execute("INSERT INTO t (v) VALUES (7)")
    snap = tmp_path / "snap.db"
    await db.backup_to(snap)
    await db.execute("INSERT INTO t (v) VALUES (8)")
    await db.restore_from(snap)
    rows = await db.fetchall("SELECT v FROM t")
    assert [r["v"] for r in rows] == [7]


async def test_close_commits_queued_writes(tmp_path: Path) -> None:
    database = Database(tmp_path / "c.db")
    database.open()
    await database.execute("CREATE TABLE t (v INTEGER)")
    pending = [asyncio.ensure_future(database.execute("INSERT INTO t VALUES (1)")) for _ in range(50)]
    await asyncio.sleep(0)
    await asyncio.gather(*pending)
    database.close()
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 50


async def test_reader_threads_start_on_demand_up_to_the_limit(tmp_path: Path) -> None:
    import threading
    import time

    database = Database(tmp_path / "r.db", read_connections=3)
    database.open()

    def readers() -> int:
        return sum(1 for t in threading.enumerate() if t.name.startswith("read:r.db:"))

    try:
        assert readers() == 0
        assert (await database.fetchone("SELECT 1"))[0] == 1
        assert (await database.fetchone("SELECT 2"))[0] == 2
        assert readers() == 1  # sequential reads reuse the idle thread

        def slow(conn: sqlite3.Connection) -> int:
            time.sleep(0.05)
            return int(conn.execute("SELECT 3").fetchone()[0])

        assert await asyncio.gather(*(database.read(slow) for _ in range(12))) == [3] * 12
        assert readers() == 3
    finally:
        database.close()
    assert readers() == 0
    with pytest.raises(RuntimeError):
        await database.fetchone("SELECT 1")


async def test_peek_reads_in_place_what_the_writer_committed(tmp_path: Path) -> None:
    db = Database(tmp_path / "peek.db")
    db.open()
    try:
        await db.write(lambda c: c.execute("INSERT INTO sandbox_state (key, value) VALUES ('k', 'v1')"))
        assert db.peek(lambda c: c.execute("SELECT value FROM sandbox_state WHERE key = 'k'").fetchone()[0]) == "v1"
        await db.write(lambda c: c.execute("UPDATE sandbox_state SET value = 'v2' WHERE key = 'k'"))
        assert db.peek(lambda c: c.execute("SELECT value FROM sandbox_state WHERE key = 'k'").fetchone()[0]) == "v2"
        with pytest.raises(sqlite3.OperationalError):  # read-only
            db.peek(lambda c: c.execute("DELETE FROM sandbox_state"))
    finally:
        db.close()
    with pytest.raises(RuntimeError, match="not open"):
        db.peek(lambda c: c.execute("SELECT 1"))
