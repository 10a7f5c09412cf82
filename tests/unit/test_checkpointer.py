"""Background WAL checkpoints: the writer never checkpoints itself, and the WAL stays bounded."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from app.db.database import Database

ROW = "x" * 2000  # about half a page per row, so a few hundred rows fill hundreds of WAL frames


def wal_bytes(path: Path) -> int:
    try:
        return os.path.getsize(f"{path}-wal")
    except OSError:
        return 0


async def fill(db: Database, rounds: int, per_round: int = 32) -> None:
    for _ in range(rounds):
        await asyncio.gather(*(db.execute("INSERT INTO t (v) VALUES (?)", (ROW,)) for _ in range(per_round)))


async def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await asyncio.sleep(0.02)
    return bool(condition())


async def test_checkpoints_run_off_the_writer_and_restart_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = Database(path, checkpoint_pages=50, restart_pages=200)
    db.open()
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        checkpointer = db.writer.checkpointer
        assert checkpointer is not None
        # The writer's own connection has automatic checkpoints off.
        assert await db.write(lambda conn: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == 0
        # 80 rounds of 32 half-page rows write at least 1,280 WAL frames; without restarts the WAL
        # would hold them all. It is reused from its start instead: whenever it has grown past the
        # restart threshold, the checkpointer (its own thread, however slow the machine) restarts it,
        # and the next write begins again at frame 0 (the WAL-index header shows the old length until
        # that write), so the WAL never holds more than the threshold and a round or two.
        largest = 0
        for _ in range(80):
            restarts_before = checkpointer.restarts
            await fill(db, 1)
            counts = checkpointer.frames()
            assert counts is not None and counts[1] <= counts[0]
            largest = max(largest, counts[0])

            def caught_up(before: int = restarts_before) -> bool:
                now = checkpointer.frames()
                return now is not None and (now[0] < 400 or checkpointer.restarts > before)

            assert await wait_for(caught_up), checkpointer.frames()
        assert largest < 600, largest
        assert checkpointer.checkpoints > 0 and checkpointer.restarts > 1
        assert checkpointer.errors == 0
        row = await db.fetchone("SELECT count(*) FROM t")
        assert row[0] == 80 * 32
    finally:
        db.close()
    # The writer's connection closes last, so SQLite folds the WAL back into the file and removes it.
    assert wal_bytes(path) == 0


async def test_frames_count_what_is_not_copied_back(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    db = Database(path, checkpoint_pages=10**6, restart_pages=10**6)  # never on its own
    db.open()
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        checkpointer = db.writer.checkpointer
        assert checkpointer is not None
        await fill(db, 5)
        pending = checkpointer.uncopied_frames()
        assert pending is not None and pending > 50
        await db.exclusive(lambda conn: conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
        assert checkpointer.uncopied_frames() == 0
        assert checkpointer.checkpoints == 0
    finally:
        db.close()
