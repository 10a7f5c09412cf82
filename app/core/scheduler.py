"""Work scheduled on the sandbox clock, kept in the database.

A job is ``(kind, due_at, payload)``. Handlers are registered per kind. ``run_due()`` fires
every job whose ``due_at`` is at or before the sandbox clock's now, in ``(due_at, id)`` order,
one at a time. A background loop calls it a few times a second; advancing the clock calls it
straight away, so ``POST /_sandbox/clock/advance`` returns after what became due has fired.

Exactly once: a job is claimed (pending -> running) before its handler runs and marked done
after. A job left ``running`` by a crash is run again at the next start, so handlers that move
money post with an idempotency key derived from the job id (``job:<id>``): the ledger then
turns the second run into a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.core.clock import SandboxClock
from app.db.database import Database

log = logging.getLogger("paysandbox.scheduler")


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    due_at: float
    payload: dict[str, Any]
    ref: str | None
    attempts: int

    @property
    def idempotency_key(self) -> str:
        return f"job:{self.id}"


JobHandler = Callable[[Job], Awaitable[None]]


def schedule_in(
    conn: sqlite3.Connection, kind: str, due_at: float, payload: dict[str, Any], *, now: float, ref: str | None = None
) -> int:
    """Insert a job inside a caller's write function (atomic with the caller's other writes)."""
    cur = conn.execute(
        "INSERT INTO scheduled_jobs (kind, due_at, payload, ref, created_at) VALUES (?, ?, ?, ?, ?)",
        (kind, due_at, json.dumps(payload, separators=(",", ":")), ref, now),
    )
    return int(cur.lastrowid or 0)


class Scheduler:
    def __init__(self, db: Database, clock: SandboxClock, poll_interval: float = 0.1) -> None:
        self.db = db
        self.clock = clock
        self.poll_interval = poll_interval
        self._handlers: dict[str, JobHandler] = {}
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._owner_loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    async def schedule(self, kind: str, due_at: float, payload: dict[str, Any], *, ref: str | None = None) -> int:
        now = self.clock.time()
        job_id = int(await self.db.write(lambda c: schedule_in(c, kind, due_at, payload, now=now, ref=ref)))
        self.wake()
        return job_id

    async def schedule_after(
        self, kind: str, seconds: float, payload: dict[str, Any], *, ref: str | None = None
    ) -> int:
        return await self.schedule(kind, self.clock.time() + seconds, payload, ref=ref)

    async def cancel(self, ref: str) -> int:
        def run(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (ref,)
            )
            return cur.rowcount

        return int(await self.db.write(run))

    def wake(self) -> None:
        self._wake.set()

    async def pending(self, ref: str | None = None) -> list[sqlite3.Row]:
        if ref is None:
            return await self.db.fetchall("SELECT * FROM scheduled_jobs WHERE status = 'pending' ORDER BY due_at, id")
        return await self.db.fetchall(
            "SELECT * FROM scheduled_jobs WHERE status = 'pending' AND ref = ? ORDER BY due_at, id", (ref,)
        )

    async def run_due(self) -> int:
        """Fire every due job in order; returns how many ran.

        Called from another event loop than the one the scheduler started on (a test driving
        a server that runs in its own thread), the call is forwarded to the owning loop, so the
        lock and the handlers always run where the sandbox lives.
        """
        owner = self._owner_loop
        if owner is not None and owner.is_running() and owner is not asyncio.get_running_loop():
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._run_due(), owner))
        return await self._run_due()

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Wait for a running ``run_due`` to finish and keep new ones out until the block ends
        (a snapshot restore swaps the database file inside it)."""
        async with self._lock:
            yield

    async def _run_due(self) -> int:
        fired = 0
        async with self._lock:
            while True:
                now = self.clock.time()
                rows = await self.db.fetchall(
                    "SELECT id, kind, due_at, payload, ref, attempts FROM scheduled_jobs "
                    "WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 100",
                    (now,),
                )
                if not rows:
                    return fired
                for row in rows:
                    job = Job(
                        row["id"],
                        row["kind"],
                        row["due_at"],
                        json.loads(row["payload"]),
                        row["ref"],
                        row["attempts"] + 1,
                    )
                    if not await self._claim(job.id):
                        continue
                    await self._fire(job)
                    fired += 1

    async def _claim(self, job_id: int) -> bool:
        def run(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE scheduled_jobs SET status = 'running', attempts = attempts + 1 "
                "WHERE id = ? AND status = 'pending'",
                (job_id,),
            )
            return cur.rowcount == 1

        return bool(await self.db.write(run))

    async def _fire(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        error: str | None = None
        if handler is None:
            error = f"no handler for job kind {job.kind!r}"
        else:
            try:
                await handler(job)
            except Exception as exc:  # a failing handler must not stop the others
                log.exception("scheduled job %s (%s) failed", job.id, job.kind)
                error = f"{type(exc).__name__}: {exc}"
        status = "done" if error is None else "failed"
        done_at = self.clock.time()
        await self.db.write(
            lambda c: c.execute(
                "UPDATE scheduled_jobs SET status = ?, last_error = ?, done_at = ? WHERE id = ?",
                (status, error, done_at, job.id),
            )
        )

    # -- background loop -------------------------------------------------------------------
    async def recover(self) -> int:
        """Jobs left 'running' by a crash go back to 'pending' (handlers are idempotent)."""

        def run(conn: sqlite3.Connection) -> int:
            return conn.execute("UPDATE scheduled_jobs SET status = 'pending' WHERE status = 'running'").rowcount

        return int(await self.db.write(run))

    async def start(self) -> None:
        self._owner_loop = asyncio.get_running_loop()
        await self.recover()
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="paysandbox-scheduler")

    async def stop(self) -> None:
        """Stop the background loop. Robust to a cancel swallowed by ``wait_for`` (Python 3.11)."""
        task = self._task
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        task.cancel()
        while not task.done():
            await asyncio.wait({task}, timeout=0.5)
            if not task.done():
                task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            task.result()
        self._task = None
        self._stopping = False

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.run_due()
            except Exception:  # keep the loop alive; the failure is logged
                log.exception("scheduler loop error")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)
