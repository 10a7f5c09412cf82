"""Which sandbox serves a request: the default one, or a named workspace.

A workspace is a whole sandbox of its own (SQLite file, clock, inbox, event log, simulator
settings, socket rooms), selected per request by ``X-Sandbox-Workspace: <name>`` or
``?workspace=<name>`` (for browsers and Socket.IO handshakes). None selects ``default``, the
sandbox on ``--db``. Workspaces are files ``<workspaces_dir>/<name>.db``, created from the
example database or a snapshot with the SQLite backup API. At most ``max_open_workspaces``
are open at once (least recently used closed first) and a workspace idle for
``workspace_idle_seconds`` of real time is closed; a workspace with a live socket (Cashier
WebSocket, Tribble Socket.IO) is never closed by either rule. Closed workspaces stay on disk
and reopen on their next request. Route code only ever asks ``sandbox_for(scope)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.types import Scope

from app.core.clock import iso
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.request_scope import header_value
from app.runtime import Sandbox
from app.settings import Settings

# Route handlers declare ``sandbox: SandboxDep`` to receive the sandbox serving the request.
SandboxDep = NamedDependency[Sandbox]

WORKSPACE_HEADER = "x-sandbox-workspace"
_WORKSPACE_HEADER_RAW = WORKSPACE_HEADER.encode()
DEFAULT_WORKSPACE = "default"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

log = logging.getLogger("paysandbox.registry")


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    name: str
    size: int
    last_used: str
    open: bool


def copy_database(source: Path, dest: Path) -> None:
    """Consistent copy of a SQLite file with the backup API (the source may be live)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(str(dest))
        try:
            src.backup(target)
        finally:
            target.close()
    finally:
        src.close()


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


class SandboxRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = Sandbox(settings, settings.db, DEFAULT_WORKSPACE)
        self.directory = settings.workspaces_dir or settings.db.parent / f"{settings.db.stem}.workspaces"
        self._open: OrderedDict[str, Sandbox] = OrderedDict()
        self._last_used: dict[str, float] = {}
        self._lock = asyncio.Lock()
        self._reaper: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        await self.default.start()
        self._reaper = asyncio.create_task(self._reap_idle(), name="paysandbox-workspace-reaper")

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        async with self._lock:
            for sandbox in list(self._open.values()):
                await sandbox.stop()
            self._open.clear()
        await self.default.stop()

    # -- selection ---------------------------------------------------------------------------
    @staticmethod
    def workspace_name(scope: Scope) -> str:
        """``X-Sandbox-Workspace``, else the ``workspace`` query parameter, else the default.

        Read from the raw scope (one pass over the header pairs; the query string parsed only when
        it names a workspace): every request asks, and building Litestar's header and query
        multidicts for it cost more than the rest of a health check.
        """
        name = header_value(scope, _WORKSPACE_HEADER_RAW)
        if not name:
            query: bytes = scope.get("query_string", b"")
            if b"workspace" in query:
                name = next(
                    (v for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if k == "workspace"), ""
                )
        return (name or DEFAULT_WORKSPACE).strip().lower()

    def path_of(self, name: str) -> Path:
        return self.directory / f"{name}.db"

    async def get(self, name: str) -> Sandbox:
        """The open sandbox of workspace ``name``, opening it from disk if needed."""
        if name == DEFAULT_WORKSPACE:
            return self.default
        sandbox = self._open.get(name)
        if sandbox is not None:
            self._open.move_to_end(name)
            self._last_used[name] = time.monotonic()
            return sandbox
        async with self._lock:
            sandbox = self._open.get(name)
            if sandbox is None:
                if not _NAME.match(name) or not self.path_of(name).exists():
                    raise NotFound(f"workspace {name!r} does not exist", code="workspace_not_found")
                sandbox = await self._open_sandbox(name)
            self._last_used[name] = time.monotonic()
            return sandbox

    async def _open_sandbox(self, name: str) -> Sandbox:
        while len(self._open) >= max(1, self.settings.max_open_workspaces):
            # Least recently used first, skipping any with a live socket (closing it would cut the
            # client off); when every open workspace has one, the limit is exceeded for a while.
            idle = next((n for n, sb in self._open.items() if sb.live_sockets == 0), None)
            if idle is None:
                log.warning(
                    "all %d open workspaces have live sockets; opening %r beyond the limit", len(self._open), name
                )
                break
            await self._open.pop(idle).stop()
        sandbox = Sandbox(self.settings, self.path_of(name), name)
        await sandbox.start()
        self._open[name] = sandbox
        return sandbox

    # -- management --------------------------------------------------------------------------
    def names(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(p.stem for p in self.directory.glob("*.db") if _NAME.match(p.stem))

    async def create(self, name: str, from_snapshot: str | None = None) -> WorkspaceInfo:
        name = name.strip().lower()
        if not _NAME.match(name) or name == DEFAULT_WORKSPACE:
            raise ValidationFailed(
                "workspace name must be 1-63 characters of a-z, 0-9, '-' and '_' and not 'default'",
                code="invalid_workspace_name",
            )
        async with self._lock:
            path = self.path_of(name)
            if path.exists():
                raise Conflict(f"workspace {name!r} already exists", code="workspace_exists")
            if len(self.names()) >= self.settings.max_workspaces:
                raise Conflict(f"workspace limit reached ({self.settings.max_workspaces})", code="workspace_limit")
            if from_snapshot is not None:
                from app.sandbox.snapshots import snapshot_path

                source = snapshot_path(self.default, from_snapshot)
                if not source.exists():
                    raise NotFound(f"snapshot {from_snapshot!r} does not exist", code="snapshot_not_found")
                await asyncio.to_thread(copy_database, source, path)
            elif self.settings.example_db.exists():
                await asyncio.to_thread(copy_database, self.settings.example_db, path)
            await self._open_sandbox(name)  # creates/migrates an empty file when there is no example
            self._last_used[name] = time.monotonic()
        return self.info(name)

    async def delete(self, name: str) -> None:
        name = name.strip().lower()
        if name == DEFAULT_WORKSPACE:
            raise ValidationFailed("the default workspace cannot be deleted", code="default_workspace")
        async with self._lock:
            path = self.path_of(name)
            if not _NAME.match(name) or not path.exists():
                raise NotFound(f"workspace {name!r} does not exist", code="workspace_not_found")
            sandbox = self._open.pop(name, None)
            if sandbox is not None:
                await sandbox.stop()
            self._last_used.pop(name, None)
            await asyncio.to_thread(_remove_database_files, path)

    def info(self, name: str) -> WorkspaceInfo:
        path = self.path_of(name)
        size = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())
        used = self._last_used.get(name)
        # Last use in wall-clock terms: monotonic last use mapped onto now, else the file's mtime.
        wall = time.time() - (time.monotonic() - used) if used is not None else path.stat().st_mtime
        return WorkspaceInfo(name, size, iso(wall), name in self._open)

    def list(self) -> list[WorkspaceInfo]:
        return [self.info(name) for name in self.names()]

    async def close_idle(self) -> int:
        """Close workspaces idle longer than the setting (they reopen on their next request)."""
        limit = self.settings.workspace_idle_seconds
        now = time.monotonic()
        closed = 0
        async with self._lock:
            for name in list(self._open):
                if self._open[name].live_sockets == 0 and now - self._last_used.get(name, now) >= limit:
                    await self._open.pop(name).stop()
                    closed += 1
        return closed

    async def _reap_idle(self) -> None:
        interval = max(1.0, min(60.0, self.settings.workspace_idle_seconds / 4))
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await self.close_idle()


def registry_of(connection: ASGIConnection[Any, Any, Any, Any]) -> SandboxRegistry:
    registry: SandboxRegistry = connection.app.state.registry
    return registry


async def sandbox_for(scope: Scope) -> Sandbox:
    """The sandbox serving this request or WebSocket (Litestar dependency ``sandbox``)."""
    cached = scope.get("paysandbox.sandbox")  # type: ignore[typeddict-item]
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    registry: SandboxRegistry = scope["app"].state.registry
    sandbox = await registry.get(registry.workspace_name(scope))
    sandbox.touch()
    scope["paysandbox.sandbox"] = sandbox  # type: ignore[typeddict-unknown-key]
    return sandbox
