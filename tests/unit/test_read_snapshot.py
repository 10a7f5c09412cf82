"""Inline reads (``Database.peek``/``lookup``) share one read snapshot per event-loop iteration.

The snapshot is what makes a request's lookups cheap (one read transaction per iteration instead of
one per lookup); these tests pin what it must never cost: a read older than something its caller
has already awaited.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import Database

SELECT = "SELECT value FROM sandbox_state WHERE key = 'k'"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "snap.db")
    database.open()
    plain = sqlite3.connect(database.path, isolation_level=None)
    plain.execute("INSERT INTO sandbox_state (key, value) VALUES ('k', 'v1')")
    plain.close()
    try:
        yield database
    finally:
        database.close()


def _value(db: Database) -> str:
    return str(db.peek(lambda c: c.execute(SELECT).fetchone()[0]))


def _commit_elsewhere(db: Database, value: str) -> None:
    """A commit the loop does not hear of (another connection, no future): only time reveals it."""
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("UPDATE sandbox_state SET value = ? WHERE key = 'k'", (value,))
    finally:
        other.close()


async def test_lookups_of_one_iteration_share_a_snapshot_and_the_next_iteration_reads_anew(db: Database) -> None:
    assert _value(db) == "v1"
    _commit_elsewhere(db, "v2")
    assert _value(db) == "v1"  # same iteration: the same read transaction
    assert db.lookup(SELECT)[0] == "v1"  # type: ignore[index]
    await asyncio.sleep(0)
    assert _value(db) == "v2"  # the iteration ended, and with it the snapshot
    assert db.lookup(SELECT)[0] == "v2"  # type: ignore[index]


async def test_an_awaited_write_is_visible_to_the_next_read(db: Database) -> None:
    assert _value(db) == "v1"  # a snapshot is open when the write is queued
    for n in range(2, 40):
        await db.write(lambda c, n=n: c.execute("UPDATE sandbox_state SET value = ? WHERE key = 'k'", (f"v{n}",)))
        assert _value(db) == f"v{n}"


async def test_a_write_committed_while_the_loop_waited_on_another_thread_is_visible_at_once(db: Database) -> None:
    """What a test client with a blocking portal does: this loop's iteration spans another loop's write."""
    assert _value(db) == "v1"

    def write_elsewhere() -> None:
        async def write() -> None:
            await db.write(lambda c: c.execute("UPDATE sandbox_state SET value = 'v2' WHERE key = 'k'"))

        asyncio.run(write())

    thread = threading.Thread(target=write_elsewhere)
    thread.start()
    thread.join()  # blocks this loop: no iteration ends in between
    assert _value(db) == "v2"


async def test_a_readers_answer_is_never_newer_than_the_next_inline_read(db: Database) -> None:
    assert _value(db) == "v1"
    for n in range(2, 20):
        _commit_elsewhere(db, f"v{n}")
        seen = await db.read(lambda c: c.execute(SELECT).fetchone()[0])
        assert seen == f"v{n}"
        assert _value(db) == seen


def test_a_snapshot_left_open_by_a_closed_loop_is_not_reused(db: Database) -> None:
    seen: list[str] = []
    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(lambda: seen.append(_value(db)))
        loop.call_soon(loop.stop)  # the loop stops in the peek's own iteration: the end never runs
        loop.run_forever()
    finally:
        loop.close()
    assert seen == ["v1"]
    _commit_elsewhere(db, "v2")

    async def read() -> str:
        return _value(db)

    assert asyncio.run(read()) == "v2"


def test_off_a_loop_each_read_is_its_own_transaction(db: Database) -> None:
    assert _value(db) == "v1"
    _commit_elsewhere(db, "v2")
    assert _value(db) == "v2"
    assert db.lookup(SELECT)[0] == "v2"  # type: ignore[index]
