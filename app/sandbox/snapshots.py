"""Snapshots and reset of one sandbox's SQLite file.

A snapshot is a consistent copy made with the SQLite backup API on the writer thread between
two batches (``Database.backup_to``): writers are paused for the copy, so it holds every write
committed before it was asked for and nothing half-written. Files live next to the database:
``<db>.snapshots/<name>.db`` plus ``<name>.json`` (its creation time on the sandbox clock).

Restoring (``Database.restore_from``) copies a snapshot back over the live file the same way,
then migrates it forward and reloads the in-memory state that mirrors the database:

* the clock (offset / frozen instant kept in ``sandbox_state``);
* the components' ``on_start`` hooks run again (they are idempotent: they run at every start
  against whatever file is there), so a restore is equivalent to a restart on that file;
* any service with a ``reload()`` method (sync or async): ``identity``, ``ledger``,
  ``simulators``, ``ratelimits`` (caches, simulator settings);
* hooks registered with :func:`on_restore` (components without a service attribute).

Jobs a snapshot caught mid-run (``running``) go back to ``pending``: handlers are idempotent.
While a restore runs the scheduler is held, so no due job fires against a half-swapped state.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.clock import iso
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.db.migrations import apply_migrations

if TYPE_CHECKING:
    from app.runtime import Sandbox

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
RELOADABLE = ("identity", "ledger", "simulators", "ratelimits")
_HOOKS_KEY = "sandbox.on_restore"

RestoreHook = Callable[["Sandbox"], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    name: str
    created_at: str
    size: int
    path: Path


def on_restore(sandbox: Sandbox, hook: RestoreHook) -> None:
    """Register a hook run after every restore or reset (reload what you cache from the database)."""
    sandbox.extras.setdefault(_HOOKS_KEY, []).append(hook)


def snapshots_dir(sandbox: Sandbox) -> Path:
    return Path(f"{sandbox.db.path}.snapshots")


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name) or ".." in name:
        raise ValidationFailed(
            f"Invalid snapshot name {name!r}: use 1-64 letters, digits, '_', '.', '-' (no leading dot, no '..')",
            code="invalid_snapshot_name",
        )
    return name


def snapshot_path(sandbox: Sandbox, name: str) -> Path:
    """Where snapshot ``name`` lives (whether or not it exists). Workspaces may copy from it."""
    return snapshots_dir(sandbox) / f"{check_name(name)}.db"


def _info(path: Path) -> SnapshotInfo | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    meta_path = path.with_suffix(".json")
    created_at = ""
    with contextlib.suppress(OSError, ValueError):
        created_at = str(json.loads(meta_path.read_text(encoding="utf-8")).get("created_at", ""))
    if not created_at:
        created_at = iso(path.stat().st_mtime)
    return SnapshotInfo(path.stem, created_at, size, path)


def list_snapshots(sandbox: Sandbox) -> list[SnapshotInfo]:
    """Every snapshot of this sandbox, oldest first."""
    folder = snapshots_dir(sandbox)
    if not folder.is_dir():
        return []
    found = [info for p in folder.glob("*.db") if NAME_PATTERN.match(p.stem) and (info := _info(p)) is not None]
    found.sort(key=lambda i: (i.created_at, i.name))
    return found


def delete_snapshot(sandbox: Sandbox, name: str) -> None:
    info = get_snapshot(sandbox, name)
    info.path.unlink(missing_ok=True)
    info.path.with_suffix(".json").unlink(missing_ok=True)


def get_snapshot(sandbox: Sandbox, name: str) -> SnapshotInfo:
    info = _info(snapshot_path(sandbox, name))
    if info is None:
        raise NotFound(f"Snapshot {name!r} does not exist", code="snapshot_not_found", name=name)
    return info


async def create_snapshot(sandbox: Sandbox, name: str) -> SnapshotInfo:
    """Copy the live database to ``name`` (an existing snapshot of that name is replaced atomically)."""
    final = snapshot_path(sandbox, name)
    tmp = await asyncio.to_thread(_scratch_path, final)
    created_at = iso(sandbox.clock.time())
    try:
        await sandbox.db.backup_to(tmp)
        await asyncio.to_thread(_publish, tmp, final, created_at)
    finally:
        await asyncio.to_thread(tmp.unlink, missing_ok=True)
    return await asyncio.to_thread(get_snapshot, sandbox, name)


def _scratch_path(final: Path) -> Path:
    """A fresh unused path next to ``final`` (the backup writes there, then it is renamed)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    return tmp


def _publish(tmp: Path, final: Path, created_at: str) -> None:
    meta = final.with_suffix(".json")
    meta.write_text(json.dumps({"created_at": created_at}), encoding="utf-8")
    os.replace(tmp, final)


def check_database_file(path: Path) -> None:
    """Refuse a file that is not a readable SQLite database before it replaces the live one."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
            conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise Conflict(
            f"Snapshot {path.stem!r} is not a usable sandbox database: {exc}", code="snapshot_invalid"
        ) from exc
    if result is None or result[0] != "ok":
        raise Conflict(f"Snapshot {path.stem!r} is damaged: {result[0] if result else '?'}", code="snapshot_invalid")


async def restore_snapshot(sandbox: Sandbox, name: str) -> SnapshotInfo:
    info = await asyncio.to_thread(get_snapshot, sandbox, name)
    await asyncio.to_thread(check_database_file, info.path)
    async with sandbox.scheduler.held():
        await sandbox.db.restore_from(info.path)
        await _reload_core(sandbox)
    await sandbox.run_start_hooks()
    await reload_services(sandbox)
    sandbox.scheduler.wake()
    return info


async def reset_sandbox(sandbox: Sandbox) -> str:
    """Back to the seeded state: the example database when it exists, else an empty migrated one.

    Returns ``"example"`` or ``"empty"``. The components' start hooks run again afterwards, so
    whatever they seed at start (system accounts, partners, secrets) exists in either case.
    """
    example = Path(sandbox.settings.example_db)
    async with sandbox.scheduler.held():
        if await asyncio.to_thread(example.is_file):
            await sandbox.db.restore_from(example)
            source = "example"
        else:
            empty = await asyncio.to_thread(_empty_database, snapshots_dir(sandbox))
            try:
                await sandbox.db.restore_from(empty)
            finally:
                await asyncio.to_thread(empty.unlink, missing_ok=True)
            source = "empty"
        await _reload_core(sandbox)
    await sandbox.run_start_hooks()
    await reload_services(sandbox)
    sandbox.scheduler.wake()
    return source


def _empty_database(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".empty.", suffix=".db", dir=folder)
    os.close(fd)
    path = Path(name)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        apply_migrations(conn)
    finally:
        conn.close()
    return path


async def _reload_core(sandbox: Sandbox) -> None:
    """Clock and scheduled work, while the scheduler is still held."""
    await sandbox.load_clock()
    await sandbox.scheduler.recover()


async def reload_services(sandbox: Sandbox) -> None:
    """Bring cached service state (identity caches, simulator settings) back in line with the database."""
    for attr in RELOADABLE:
        service = getattr(sandbox, attr, None)
        reload = getattr(service, "reload", None)
        if callable(reload):
            result = reload()
            if inspect.isawaitable(result):
                await result
    await sandbox.run_hooks(list(sandbox.extras.get(_HOOKS_KEY, [])))
