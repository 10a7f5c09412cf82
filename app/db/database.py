"""The database of one sandbox: one writer thread, read-only reader connections.

Writes: every write is a plain function ``fn(conn) -> result`` run on the writer thread. The
writer drains its queue and runs up to ``batch_max`` functions in one SQLite transaction, each
inside its own SAVEPOINT, so one failing function (insufficient funds, constraint) rolls back
only itself. Callers' futures are resolved after COMMIT, with a single hop back to the event
loop per batch. No two coroutines can ever interleave statements in one transaction, because
only the writer thread touches the write connection.

Reads: ``read(fn)`` runs ``fn(conn)`` on a small pool of read-only connections (``mode=ro``),
one thread hop per call, however many statements ``fn`` runs.

Exclusive work (snapshot, restore, backup) runs on the writer thread between batches with no
transaction open, so writers are paused and nothing half-written is ever copied.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.db.checkpointer import DEFAULT_RESTART_PAGES, DEFAULT_THRESHOLD_PAGES, Checkpointer
from app.db.migrations import apply_migrations

T = TypeVar("T")
WriteFn = Callable[[sqlite3.Connection], Any]

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA journal_size_limit=16777216",  # a restarted WAL is cut back to 16 MB
)


def connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """Open a connection with the sandbox pragmas (autocommit mode: we issue BEGIN ourselves)."""
    if read_only:
        uri = f"file:{Path(path).resolve()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        if read_only and "journal_mode" in pragma:
            continue
        conn.execute(pragma)
    if read_only:
        conn.execute("PRAGMA query_only=ON")
    return conn


@dataclass(slots=True)
class _Job:
    fn: WriteFn
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    exclusive: bool = False


@dataclass(slots=True)
class WriterStats:
    """Counters of the writer thread (``GET /_sandbox/bench/writer`` shows them; the benchmark reads them)."""

    batches: int = 0
    jobs: int = 0
    max_batch: int = 0
    busy_seconds: float = 0.0  # inside a batch: BEGIN to COMMIT done
    commit_seconds: float = 0.0  # of which in COMMIT


Settled = list[tuple[asyncio.Future[Any], Any, BaseException | None]]


def _settle(results: Settled) -> None:
    for future, value, error in results:
        if future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)


def _settle_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], outcome: tuple[Any, Any]) -> None:
    """Hand one ``(value, error)`` back to ``future``'s loop (nothing to do once that loop has closed)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle, [(future, outcome[0], outcome[1])])


class Writer:
    """Owns the write connection on its own thread and group-commits queued write functions."""

    def __init__(
        self,
        path: Path,
        batch_max: int = 512,
        *,
        checkpoint_pages: int = DEFAULT_THRESHOLD_PAGES,
        restart_pages: int = DEFAULT_RESTART_PAGES,
    ) -> None:
        self.path = path
        self.batch_max = max(1, batch_max)
        self._checkpoint_pages = checkpoint_pages
        self._restart_pages = restart_pages
        self.stats = WriterStats()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"writer:{path.name}", daemon=True)
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._closed = False
        self.checkpointer: Checkpointer | None = None  # started on the writer thread
        # Transactions committed so far (and exclusive jobs run), counted before their callers hear
        # of them: an inline read snapshot older than the count is never reused (Database.peek).
        self.commits = 0

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def submit(self, fn: WriteFn, *, exclusive: bool = False) -> asyncio.Future[Any]:
        """Queue ``fn``; the returned future resolves after its batch commits (a plain future, not a
        coroutine: one less frame to resume per write on the hot path)."""
        if self._closed:
            raise RuntimeError("database is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put(_Job(fn, future, loop, exclusive))
        return future

    def close(self) -> None:
        """Finish every queued job, then stop the thread (in-flight writes commit)."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()

    # -- writer thread -------------------------------------------------------------------
    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except BaseException as exc:  # pragma: no cover - reported to start()
            self._startup_error = exc
            self._ready.set()
            return
        conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer thread does it, off this path
        checkpointer = self.checkpointer = Checkpointer(
            self.path, connect, threshold_pages=self._checkpoint_pages, restart_pages=self._restart_pages
        )
        self._ready.set()
        pending: _Job | None = None
        stop = False
        try:
            while not stop:
                job = pending if pending is not None else self._queue.get()
                pending = None
                if job is None:
                    break
                if job.exclusive:
                    self._run_exclusive(conn, job)
                    continue
                batch = [job]
                while len(batch) < self.batch_max:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        stop = True
                        break
                    if nxt.exclusive:
                        pending = nxt
                        break
                    batch.append(nxt)
                self._run_batch(conn, batch)
        finally:
            checkpointer.close()
            conn.close()

    def _run_exclusive(self, conn: sqlite3.Connection, job: _Job) -> None:
        try:
            result: tuple[Any, BaseException | None] = (job.fn(conn), None)
        except BaseException as exc:
            result = (None, exc)
        self.commits += 1
        _settle_soon(job.loop, job.future, result)

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        started = time.perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            for job in batch:
                outcomes.append((job, None, exc))
            self._deliver(outcomes)
            return
        for job in batch:
            conn.execute("SAVEPOINT job")
            try:
                value = job.fn(conn)
            except BaseException as exc:
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                outcomes.append((job, None, exc))
            else:
                conn.execute("RELEASE job")
                outcomes.append((job, value, None))
        committing = time.perf_counter()
        try:
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            outcomes = [(job, None, exc) for job, _, _ in outcomes]
        self.commits += 1
        if self.checkpointer is not None:
            self.checkpointer.nudge()
        done = time.perf_counter()
        self.stats.busy_seconds += done - started
        self.stats.commit_seconds += done - committing
        self.stats.batches += 1
        self.stats.jobs += len(batch)
        self.stats.max_batch = max(self.stats.max_batch, len(batch))
        self._deliver(outcomes)

    @staticmethod
    def _deliver(outcomes: list[tuple[_Job, Any, BaseException | None]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, Settled] = {}
        for job, value, error in outcomes:
            by_loop.setdefault(job.loop, []).append((job.future, value, error))
        for loop, results in by_loop.items():
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(_settle, results)


ReadJob = tuple[Callable[[sqlite3.Connection], Any], "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class Readers:
    """A few threads, each with its own read-only connection, draining one queue of read functions.

    Lighter than ``run_in_executor``: one ``SimpleQueue.put`` and one ``call_soon_threadsafe`` per
    read, with no ``concurrent.futures.Future`` (and its lock and condition) to chain.
    """

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self.count = max(1, count)
        self._queue: queue.SimpleQueue[ReadJob | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._idle = threading.Semaphore(0)  # released by a thread each time it waits for work
        self._closed = False

    def _grow(self) -> None:
        """One more reader thread, up to ``count``: threads start when reads find none idle (as in
        ``ThreadPoolExecutor``), so a quiet workspace keeps one or two."""
        with self._lock:
            if self._closed or len(self._threads) >= self.count:
                return
            thread = threading.Thread(target=self._run, name=f"read:{self.path.name}:{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def put(self, job: ReadJob) -> None:
        with self._lock:  # never behind the stop sentinels of close()
            if self._closed:
                raise RuntimeError("database is closed")
            self._queue.put(job)
        if not self._idle.acquire(blocking=False):  # nobody waiting: one more thread, up to count
            self._grow()

    def close(self) -> None:
        """Finish queued reads, then stop every thread and close its connection."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._idle.release()
                job = self._queue.get()
                if job is None:
                    return
                fn, future, loop = job
                try:
                    if conn is None:
                        conn = connect(self.path, read_only=True)
                    conn.execute("BEGIN")
                    try:
                        outcome: tuple[Any, BaseException | None] = (fn(conn), None)
                    finally:
                        conn.execute("COMMIT")
                except BaseException as exc:
                    outcome = (None, exc)
                _settle_soon(loop, future, outcome)
        finally:
            if conn is not None:
                conn.close()


class Database:
    """One SQLite file: migrations at open, a group-committing writer, read-only readers."""

    def __init__(
        self,
        path: Path | str,
        *,
        batch_max: int = 512,
        read_connections: int = 4,
        checkpoint_pages: int = DEFAULT_THRESHOLD_PAGES,
        restart_pages: int = DEFAULT_RESTART_PAGES,
    ) -> None:
        self.path = Path(path)
        self.writer = Writer(self.path, batch_max, checkpoint_pages=checkpoint_pages, restart_pages=restart_pages)
        self._read_connections = max(1, read_connections)
        self._readers: Readers | None = None
        # peek(): one read-only connection per calling thread (the event loop's), opened on first use.
        self._inline = threading.local()
        self._inline_conns: list[sqlite3.Connection] = []
        self._inline_lock = threading.Lock()
        self.opened = False

    # -- lifecycle -----------------------------------------------------------------------
    def open(self) -> None:
        """Create/migrate the file, start the writer and the reader pool (synchronous)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path)
        try:
            apply_migrations(conn)
        finally:
            conn.close()
        self.writer.start()
        self._readers = Readers(self.path, self._read_connections)
        self.opened = True

    def close(self) -> None:
        if not self.opened:
            return
        self.opened = False
        if self._readers is not None:
            self._readers.close()
            self._readers = None
        with self._inline_lock:
            inline, self._inline_conns = self._inline_conns, []
            self._inline = threading.local()
        for conn in inline:
            conn.close()
        # Last: the writer's connection is then the last one open, so SQLite checkpoints and removes the WAL.
        self.writer.close()

    # -- writes --------------------------------------------------------------------------
    def write(self, fn: WriteFn) -> asyncio.Future[Any]:
        """Run ``fn(conn)`` in the writer's current batch (own savepoint); await it for the result after COMMIT."""
        return self.writer.submit(fn)

    async def exclusive(self, fn: WriteFn) -> Any:
        """Run ``fn(conn)`` on the writer between batches, no transaction open (writers paused)."""
        return await self.writer.submit(fn, exclusive=True)

    async def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """Convenience write: one statement; returns lastrowid."""

        def run(conn: sqlite3.Connection) -> int:
            return int(conn.execute(sql, params).lastrowid or 0)

        return int(await self.write(run))

    # -- reads ---------------------------------------------------------------------------
    def read(self, fn: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """Run ``fn(conn)`` on a read-only connection in one consistent read transaction (await the result)."""
        if self._readers is None:
            raise RuntimeError("database is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._readers.put((fn, future, loop))
        return future

    def _inline_connection(self) -> sqlite3.Connection:
        """This thread's own read-only connection (opened on first use)."""
        if not self.opened:
            raise RuntimeError("database is not open")
        conn: sqlite3.Connection | None = getattr(self._inline, "conn", None)
        if conn is None:
            conn = connect(self.path, read_only=True)
            with self._inline_lock:
                self._inline_conns.append(conn)
            self._inline.conn = conn
        return conn

    def peek(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` right here, on this thread's own read-only connection, in a read snapshot.

        For the request path's O(1) reads (an account by id, a newest entry, a user row): an indexed
        lookup costs a few microseconds, far less than handing it to a reader thread and back
        (a queue put, a thread wake-up, ``call_soon_threadsafe``). Anything that scans (statements,
        lists, exports) goes through ``read`` so it never holds the event loop.

        On an event loop thread the peeks of one loop iteration share one read transaction (the
        snapshot): the first opens it, the end of the iteration closes it, and a peek after the
        writer has committed anything since it opened starts a fresh one (``Writer.commits`` counts
        commits before their callers hear of them). So a read never sees older data than a write
        anyone has already been told of, and a request pays for starting a read transaction (a lock
        on the WAL index) about once per iteration, not once per lookup. A commit from outside this
        process shows from the next iteration on. Off a loop (scripts, the CLI) each call is its own
        transaction.
        """
        conn = self._snapshot()
        if conn is not None:
            return fn(conn)
        conn = self._inline_connection()
        conn.execute("BEGIN")
        try:
            return fn(conn)
        finally:
            conn.execute("COMMIT")

    def _snapshot(self) -> sqlite3.Connection | None:
        """This thread's connection inside the current loop iteration's read snapshot; None off a loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        inline = self._inline
        held = getattr(inline, "loop", None)
        commits = self.writer.commits  # read before the snapshot starts: it is at least this new
        if held is loop and inline.commits == commits:
            return inline.conn  # type: ignore[no-any-return]
        if held is not None:  # the writer committed since, or a loop closed before its iteration ended
            self._end_snapshot(inline)
        conn = self._inline_connection()
        conn.execute("BEGIN")
        inline.loop = loop
        inline.commits = commits
        if held is not loop:
            loop.call_soon(self._end_snapshot, inline)
        return conn

    @staticmethod
    def _end_snapshot(inline: threading.local) -> None:
        """Close this thread's read snapshot, if open (the next peek starts a fresh one)."""
        if getattr(inline, "loop", None) is not None:
            inline.loop = None
            with contextlib.suppress(sqlite3.Error):  # the connection closed with the database
                inline.conn.execute("COMMIT")

    def lookup(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        """One row by a key (primary or unique index) read inline, in the loop's snapshot; never for a scan."""
        conn = self._snapshot() or self._inline_connection()
        return conn.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    def lookup_all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """The few rows of one owner by an index (a user's accounts), inline, in the loop's snapshot."""
        conn = self._snapshot() or self._inline_connection()
        return conn.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        return await self.read(lambda c: c.execute(sql, params).fetchone())

    async def fetchall(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return await self.read(lambda c: c.execute(sql, params).fetchall())

    async def latency_ms(self) -> float:
        start = time.perf_counter()
        self.peek(lambda c: c.execute("SELECT 1").fetchone())
        return (time.perf_counter() - start) * 1000.0

    # -- whole-file copies (snapshots, workspaces) -----------------------------------------
    async def backup_to(self, dest: Path) -> None:
        """Consistent copy of the database into ``dest`` via the SQLite backup API."""

        def run(conn: sqlite3.Connection) -> None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(str(dest))
            try:
                conn.backup(target)
            finally:
                target.close()

        await self.exclusive(run)

    async def restore_from(self, src: Path) -> None:
        """Replace the whole content with ``src`` (backup API), then migrate it forward."""

        def run(conn: sqlite3.Connection) -> None:
            source = sqlite3.connect(str(src))
            try:
                source.backup(conn)
            finally:
                source.close()
            apply_migrations(conn)

        await self.exclusive(run)
