"""Drop's feature flags (``cards``, ``physicalCards``, ``cardPin``, ``spendingLimits``, ``notifications``).

Read by the gated routes (``flag``), set by the control API and tests (``set_flags``, or
``sandbox.extras["drop_flags"]``, a ``FeatureFlags``).
"""

from __future__ import annotations

import sqlite3

from app.platforms.drop.store import flags as store
from app.runtime import Sandbox

FLAGS = ("cards", "physicalCards", "cardPin", "spendingLimits", "notifications")


async def flags(sandbox: Sandbox) -> dict[str, bool]:
    rows = await store.flag_rows(sandbox.db)
    return {row["name"]: bool(row["enabled"]) for row in rows}


async def flag(sandbox: Sandbox, name: str) -> bool:
    row = await store.flag_row(sandbox.db, name)
    return bool(row and row["enabled"])


async def set_flags(sandbox: Sandbox, values: dict[str, bool]) -> dict[str, bool]:
    """Turn Drop feature flags on/off (control API, tests). Unknown names raise ValueError."""
    unknown = sorted(set(values) - set(FLAGS))
    if unknown:
        raise ValueError(f"unknown Drop feature flags: {unknown}; known: {list(FLAGS)}")

    def run(conn: sqlite3.Connection) -> None:
        store.set_flags_in(conn, values)

    await sandbox.db.write(run)
    return await flags(sandbox)


class FeatureFlags:
    """Drop's flags for code that must not import the platform (control API, console).

    Installed as ``sandbox.extras["drop_flags"]``.
    """

    names = FLAGS

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def all(self) -> dict[str, bool]:
        return await flags(self.sandbox)

    async def set(self, values: dict[str, bool]) -> dict[str, bool]:
        return await set_flags(self.sandbox, values)
