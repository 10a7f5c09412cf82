"""Background WAL checkpoints, off the writer's critical path.

SQLite's automatic checkpoint runs on the committing connection: every ~1,000 WAL pages the
writer itself copies the WAL back into the database file and fsyncs, while every caller in its
next batch waits. The writer disables that (``PRAGMA wal_autocheckpoint=0``) and nudges this
thread after each commit; the thread, on its own connection, runs a PASSIVE checkpoint once the
WAL holds more than ``threshold_pages`` frames not yet copied back. That count comes from the
WAL-index header in the ``-shm`` file (``mxFrame`` at byte 16, ``nBackfill`` at byte 96, native
byte order; https://www.sqlite.org/walformat.html), read with one ``pread``: the WAL file's size
says nothing once SQLite has restarted it, and running a checkpoint just to ask would fsync.
A PASSIVE checkpoint never blocks the writer or readers
(it copies what no reader still needs), so on a 2-core machine the copy and fsync overlap with
the next batches instead of stalling them.

A PASSIVE checkpoint alone never lets the WAL restart under steady load: the writer appends while
it copies, so the copy is never complete. Once the WAL holds ``restart_pages`` frames, a RESTART
checkpoint follows the PASSIVE one: it holds the writer back only while it copies the few frames
written meanwhile, then SQLite writes the WAL from its beginning again (and truncates the file to
``journal_size_limit``), so the file stays bounded.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import threading
from collections.abc import Callable
from pathlib import Path

DEFAULT_THRESHOLD_PAGES = 1_000  # SQLite's own autocheckpoint default
DEFAULT_RESTART_PAGES = 4_000  # about 16 MB of WAL with 4 KiB pages
RESTART_BUSY_MS = 250  # how long a RESTART may wait for the writer and readers before trying later


class Checkpointer:
    def __init__(
        self,
        path: Path,
        connect: Callable[[Path], sqlite3.Connection],
        *,
        threshold_pages: int = DEFAULT_THRESHOLD_PAGES,
        restart_pages: int = DEFAULT_RESTART_PAGES,
    ) -> None:
        self.path = path
        self._shm = Path(f"{path}-shm")
        self._connect = connect
        self.threshold_pages = max(1, threshold_pages)
        self.restart_pages = max(self.threshold_pages, restart_pages)
        self.checkpoints = 0
        self.restarts = 0
        self.errors = 0
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"checkpoint:{path.name}", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Called by the writer after a commit: look at the WAL's size soon."""
        self._wake.set()

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join()

    def frames(self) -> tuple[int, int] | None:
        """(frames in the WAL, frames already copied back), None when the header cannot be read."""
        try:
            fd = os.open(self._shm, os.O_RDONLY)
        except OSError:
            return None
        try:
            header = os.pread(fd, 100, 0)
        finally:
            os.close(fd)
        if len(header) < 100:
            return None
        max_frame = int(struct.unpack_from("=I", header, 16)[0])
        backfilled = int(struct.unpack_from("=I", header, 96)[0])
        return max_frame, min(backfilled, max_frame)

    def uncopied_frames(self) -> int | None:
        """Frames in the WAL not yet copied into the database (None when the header cannot be read)."""
        counts = self.frames()
        return None if counts is None else counts[0] - counts[1]

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stop:
                    return
                try:
                    if conn is None:
                        conn = self._connect(self.path)
                        conn.execute(f"PRAGMA busy_timeout={RESTART_BUSY_MS}")
                    counts = self.frames()
                    if counts is None or counts[0] - counts[1] >= self.threshold_pages:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        self.checkpoints += 1
                        counts = self.frames()
                    if counts is not None and counts[0] >= self.restart_pages:
                        busy = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()[0]
                        self.restarts += 0 if busy else 1
                except sqlite3.Error:
                    # Busy or a file being replaced (restore): the next nudge tries again.
                    self.errors += 1
        finally:
            if conn is not None:
                conn.close()
