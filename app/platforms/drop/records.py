"""Drop's own rows written inside ledger savepoints or plain writes: notifications, flags, settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from app.platforms.drop.render import new_id
from app.runtime import Sandbox

FLAGS = ("cards", "physicalCards", "cardPin", "spendingLimits", "notifications")


def notify_in(
    conn: sqlite3.Connection,
    now: float,
    user_id: int,
    type: str,
    title: str,
    message: str,
    reference: str | None,
    *,
    make_id: Callable[[str], str] = new_id,
) -> str:
    """Store an in-app notification (id ``noti_<16 hex>``).

    ``make_id`` draws the id (random by default; the seeder passes one drawn from the seed).
    """
    note_id = make_id("noti")
    conn.execute(
        "INSERT INTO drop_notifications (id, user_id, type, title, message, reference, is_read, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        (note_id, user_id, type, title, message, reference, now),
    )
    return note_id


async def flags(sandbox: Sandbox) -> dict[str, bool]:
    rows = await sandbox.db.fetchall("SELECT name, enabled FROM drop_feature_flags")
    return {row["name"]: bool(row["enabled"]) for row in rows}


async def flag(sandbox: Sandbox, name: str) -> bool:
    row = await sandbox.db.fetchone("SELECT enabled FROM drop_feature_flags WHERE name = ?", (name,))
    return bool(row and row["enabled"])


async def set_flags(sandbox: Sandbox, values: dict[str, bool]) -> dict[str, bool]:
    """Turn Drop feature flags on/off (control API, tests). Unknown names raise ValueError."""
    unknown = sorted(set(values) - set(FLAGS))
    if unknown:
        raise ValueError(f"unknown Drop feature flags: {unknown}; known: {list(FLAGS)}")

    def run(conn: sqlite3.Connection) -> None:
        for name, enabled in values.items():
            conn.execute(
                "INSERT INTO drop_feature_flags (name, enabled) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled",
                (name, int(bool(enabled))),
            )

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
