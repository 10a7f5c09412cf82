"""One running sandbox: its database, clock, scheduler, event bus and the services on them.

``Sandbox`` is the composition root (the ``bootstrap()`` of cosmicpython): it builds the core
services over one database file and lets each component install itself (``install(sandbox)``
functions: register scheduler handlers, subscribe to events). Nothing is module-global, so
one process can hold several sandboxes side by side (workspaces).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.clock import SandboxClock, parse_iso
from app.core.events import EventBus
from app.core.scheduler import Scheduler
from app.db.database import Database
from app.db.rebase import RebaseStep, rebase_seeded_in
from app.settings import Settings

if TYPE_CHECKING:
    from app.core.identity.service import IdentityService
    from app.core.ledger.service import LedgerService
    from app.core.ratelimit import RateLimiter
    from app.sandbox.faults import FaultBook
    from app.sandbox.journal import RequestJournal
    from simulators.hub import SimulatorHub

log = logging.getLogger("paysandbox")

# Components that install themselves on every sandbox, in order. Core first, then the
# simulated world, then the platforms (which subscribe to events).
INSTALLERS: list[str] = [
    "app.core.ledger:install",
    "app.core.identity:install",
    "simulators:install",
    "app.sandbox.log_redaction:install",  # tokens in query strings / headers never reach the log
    "app.sandbox.journal:install",  # the request journal's ring (GET /_sandbox/requests)
    "app.sandbox.faults:install",  # fault rules (/_sandbox/faults), reloaded on every start
]

Hook = Callable[["Sandbox"], Awaitable[None] | None]


class Sandbox:
    ledger: LedgerService
    identity: IdentityService
    ratelimits: RateLimiter
    simulators: SimulatorHub
    journal: RequestJournal | None  # app.sandbox.journal: None when PAYSANDBOX_JOURNAL_SIZE=0
    faults: FaultBook  # app.sandbox.faults

    def __init__(self, settings: Settings, db_path: Path, name: str = "default") -> None:
        self.settings = settings
        self.name = name
        self.db = Database(db_path, batch_max=settings.writer_batch, read_connections=settings.read_connections)
        self.clock = SandboxClock(origin=parse_iso(settings.clock_start) if settings.clock_start else None)
        self.scheduler = Scheduler(self.db, self.clock)
        self.events = EventBus(self.db, self.clock)
        self.started_monotonic = time.monotonic()
        self.last_used = time.monotonic()
        self.live_sockets = 0  # open WebSocket / Socket.IO sessions: a workspace with any is never closed
        self.extras: dict[str, Any] = {}
        self.rebase_steps: list[RebaseStep] = []  # components' derived values to redo after a seed rebase
        self._on_start: list[Hook] = []
        self._on_stop: list[Hook] = []
        self.running = False
        for spec in installers():
            _load(spec)(self)

    def on_start(self, hook: Hook) -> None:
        self._on_start.append(hook)

    def on_stop(self, hook: Hook) -> None:
        self._on_stop.append(hook)

    async def run_start_hooks(self) -> None:
        """Every component's ``on_start`` hook, in registration order. They run at each start against
        whatever file is there, so they are idempotent; a snapshot restore runs them again after the
        swap, which makes a restore equal to a restart (secrets and caches loaded, reference data
        seeded, interrupted operations recovered)."""
        await self.run_hooks(self._on_start)

    async def run_hooks(self, hooks: list[Hook]) -> None:
        """Call each hook with this sandbox, in order, awaiting the ones that return an awaitable."""
        for hook in hooks:
            result = hook(self)
            if inspect.isawaitable(result):
                await result

    async def start(self) -> None:
        await asyncio.to_thread(self.db.open)
        await self.load_clock()
        await self.run_start_hooks()
        if self.settings.scheduler:
            await self.scheduler.start()
        self.running = True

    async def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        await self.scheduler.stop()
        for hook in reversed(self._on_stop):
            try:
                result = hook(self)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("stop hook failed")
        await asyncio.to_thread(self.db.close)

    async def load_clock(self) -> None:
        """The clock from the database (at start and after a restore or reset), then, on a seeded file,
        every timestamp moved so its history ends now (``app.db.rebase``). A clock started at a set
        origin is saved at once, so a restart goes on from where it was instead of the origin."""
        stored = await self.db.read(self.clock.load_from)
        shifted = await self.db.exclusive(lambda conn: rebase_seeded_in(conn, self.clock.time(), self.rebase_steps))
        if shifted is not None:
            log.info("rebased the seeded history of %s by %d s so it ends now", self.name, shifted)
        if not stored and self.clock.origin is not None:
            await self.db.write(self.clock.save_to)

    def touch(self) -> None:
        self.last_used = time.monotonic()

    def socket_opened(self) -> None:
        """A platform socket (Cashier WebSocket, Tribble Socket.IO) is now served from this sandbox."""
        self.live_sockets += 1
        self.touch()

    def socket_closed(self) -> None:
        self.live_sockets = max(0, self.live_sockets - 1)
        self.touch()

    async def save_clock(self) -> None:
        await self.db.write(self.clock.save_to)
        self.scheduler.wake()

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.started_monotonic


def installers() -> list[str]:
    from app.platforms import PLATFORMS

    return INSTALLERS + [f"app.platforms.{name}:install" for name in PLATFORMS]


def _load(spec: str) -> Callable[[Sandbox], None]:
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    fn: Callable[[Sandbox], None] = getattr(module, attr)
    return fn
