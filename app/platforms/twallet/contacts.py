"""A user's saved contacts (``twallet_contacts``): other users' profile ids with stored names."""

from __future__ import annotations

import sqlite3

from app.core.identity.models import User
from app.runtime import Sandbox


async def save_contact(sandbox: Sandbox, owner: User, contact: User, first_name: str, last_name: str) -> None:
    """Insert or update (saving the same profile again replaces the stored names)."""
    now = sandbox.clock.time()
    await sandbox.db.write(
        lambda conn: conn.execute(
            "INSERT INTO twallet_contacts (owner_user_id, profile_id, contact_user_id, first_name, last_name,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (owner_user_id, profile_id) DO UPDATE SET first_name = excluded.first_name,"
            " last_name = excluded.last_name, updated_at = excluded.updated_at",
            (owner.id, contact.profile_id, contact.id, first_name, last_name, now, now),
        )
    )


async def list_contacts(sandbox: Sandbox, owner: User) -> list[sqlite3.Row]:
    return await sandbox.db.fetchall(
        "SELECT c.* FROM twallet_contacts c JOIN users u ON u.id = c.contact_user_id"
        " WHERE c.owner_user_id = ? AND u.status != 'deleted' ORDER BY c.created_at, c.profile_id",
        (owner.id,),
    )


async def delete_contact(sandbox: Sandbox, owner: User, profile_id: str) -> bool:
    def run(conn: sqlite3.Connection) -> bool:
        cur = conn.execute(
            "DELETE FROM twallet_contacts WHERE owner_user_id = ? AND profile_id = ?", (owner.id, profile_id)
        )
        return cur.rowcount == 1

    return bool(await sandbox.db.write(run))
