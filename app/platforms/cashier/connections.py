"""Open Cashier sockets per user, and the push of every ``platform="cashier"`` event to them.

Each ``Connection`` owns an outbound queue drained by one sender task, so replies and pushes
never interleave on the wire and a slow client never blocks the publisher. The registry lives
on the sandbox (``sandbox.extras[REGISTRY_KEY]``) and subscribes once to the event bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from app.core.events import Event
from app.platforms.cashier.render import envelope

log = logging.getLogger("paysandbox.cashier")

REGISTRY_KEY = "cashier.connections"
# A client that lets this many messages pile up unread is dropped (close code 1008).
MAX_OUTBOUND = 1000

_encoder = msgspec.json.Encoder()


class Connection:
    def __init__(self, user_id: int, send_text: Callable[[str], Awaitable[None]]) -> None:
        self.user_id = user_id
        self._send_text = send_text
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.overflowed = asyncio.Event()
        self.closed = False

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._drain(), name=f"cashier-send:{self.user_id}")

    def send(self, message: dict[str, Any]) -> None:
        """Queue one JSON message for the client (never blocks; safe from another thread's loop)."""
        if self.closed:
            return
        text = _encoder.encode(message).decode()
        loop = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop:
            with contextlib.suppress(RuntimeError):  # that loop is closed: the socket is gone
                loop.call_soon_threadsafe(self._enqueue, text)
        else:
            self._enqueue(text)

    def _enqueue(self, text: str) -> None:
        if self.closed:
            return
        if self._queue.qsize() >= MAX_OUTBOUND:
            self.overflowed.set()
            return
        self._queue.put_nowait(text)

    async def flush_and_stop(self) -> None:
        """Send what is queued, then stop the sender task."""
        if self._task is None:
            return
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self._task), 5)
        await self.stop()

    async def stop(self) -> None:
        self.closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _drain(self) -> None:
        while True:
            text = await self._queue.get()
            if text is None:
                return
            try:
                await self._send_text(text)
            except Exception:  # the peer went away; the receive loop notices and cleans up
                self.closed = True
                return


class ConnectionRegistry:
    def __init__(self, clock_time: Callable[[], float]) -> None:
        self._clock_time = clock_time
        self._by_user: dict[int, set[Connection]] = {}

    def add(self, conn: Connection) -> None:
        self._by_user.setdefault(conn.user_id, set()).add(conn)

    def remove(self, conn: Connection) -> None:
        conns = self._by_user.get(conn.user_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._by_user[conn.user_id]

    def of(self, user_id: int) -> list[Connection]:
        return list(self._by_user.get(user_id, ()))

    def count(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    def push(self, event: Event) -> int:
        """Queue a push to every open connection of the event's audience; returns how many."""
        if event.platform != "cashier":
            return 0
        message = envelope(event.type, event.data, self._clock_time())
        sent = 0
        for user_id in event.audience():
            for conn in self.of(user_id):
                conn.send(message)
                sent += 1
        return sent


def registry_of(sandbox: Any) -> ConnectionRegistry:
    registry: ConnectionRegistry | None = sandbox.extras.get(REGISTRY_KEY)
    if registry is None:
        registry = ConnectionRegistry(sandbox.clock.time)
        sandbox.extras[REGISTRY_KEY] = registry
        sandbox.events.subscribe(registry.push)
    return registry
