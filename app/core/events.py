"""The in-process event bus. Every push of every contract comes from here.

Core services publish domain events (``deposit.completed``, ``transfer.completed`` ...) with
a plain-dict payload in core terms (minor units, ids). Each platform subscribes and renders
the events it documents onto its own sockets and webhooks. ``platform`` set on an event means
"already in that platform's shape" (used by ``POST /_sandbox/events/emit``).

Every published event is also written to the ``events`` table: a user who is not connected
finds it on the event log (``GET /_sandbox/events``).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.clock import SandboxClock, iso
from app.core.json_text import json_text
from app.db.database import Database

log = logging.getLogger("paysandbox.events")


@dataclass(slots=True)
class Event:
    type: str
    data: dict[str, Any]
    user_id: int | None = None
    platform: str | None = None
    id: int = 0
    created_at: str = ""
    # Users besides user_id who should also see it (e.g. a transfer's recipient).
    also_users: tuple[int, ...] = field(default_factory=tuple)

    def audience(self) -> tuple[int, ...]:
        users = () if self.user_id is None else (self.user_id,)
        return users + tuple(u for u in self.also_users if u != self.user_id)


Subscriber = Callable[[Event], Awaitable[None] | None]


class EventBus:
    def __init__(self, db: Database, clock: SandboxClock) -> None:
        self.db = db
        self.clock = clock
        self._subscribers: list[tuple[Subscriber, frozenset[str] | None]] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    def subscribe(self, handler: Subscriber, types: set[str] | None = None) -> Callable[[], None]:
        entry = (handler, frozenset(types) if types else None)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            if entry in self._subscribers:
                self._subscribers.remove(entry)

        return unsubscribe

    async def publish(self, event: Event) -> Event:
        """Persist the event to the log, then deliver it to every matching subscriber."""
        await self.db.write(lambda conn: self.record_in(conn, event))
        await self.dispatch(event)
        return event

    def record_in(self, conn: sqlite3.Connection, event: Event) -> Event:
        """Write the event to the log inside the caller's write job (so it commits, or rolls back, with
        the change it reports); ``dispatch`` it once that job has committed."""
        event.created_at = event.created_at or iso(self.clock.time())
        payload = json_text({"data": event.data, "also_users": list(event.also_users)})
        cur = conn.execute(
            "INSERT INTO events (type, user_id, platform, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (event.type, event.user_id, event.platform, payload, event.created_at),
        )
        event.id = int(cur.lastrowid or 0)
        return event

    async def dispatch(self, event: Event) -> None:
        for handler, types in list(self._subscribers):
            if types is not None and event.type not in types:
                continue
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("event subscriber failed for %s", event.type)

    async def log(
        self, *, after: int = 0, type: str | None = None, user_id: int | None = None, limit: int = 100
    ) -> list[Event]:
        sql = "SELECT id, type, user_id, platform, data, created_at FROM events WHERE id > ?"
        params: list[Any] = [after]
        if type:
            sql += " AND type = ?"
            params.append(type)
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        rows = await self.db.fetchall(sql, tuple(params))
        out: list[Event] = []
        for row in rows:
            body = json.loads(row["data"])
            out.append(
                Event(
                    row["type"],
                    body.get("data", {}),
                    row["user_id"],
                    row["platform"],
                    row["id"],
                    row["created_at"],
                    tuple(body.get("also_users", [])),
                )
            )
        return out
