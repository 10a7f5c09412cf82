"""A user's saved contacts (``twallet_contacts``): other users' profile ids with stored names."""

from __future__ import annotations

import sqlite3

from app.core.identity.models import User
from app.platforms.twallet import store
from app.runtime import Sandbox


async def save_contact(sandbox: Sandbox, owner: User, contact: User, first_name: str, last_name: str) -> None:
    """Insert or update (saving the same profile again replaces the stored names)."""
    now = sandbox.clock.time()
    await sandbox.db.write(
        lambda conn: store.upsert_contact(conn, owner.id, contact.profile_id, contact.id, first_name, last_name, now)
    )


async def list_contacts(sandbox: Sandbox, owner: User) -> list[sqlite3.Row]:
    return await sandbox.db.read(lambda conn: store.contacts_of(conn, owner.id))


async def delete_contact(sandbox: Sandbox, owner: User, profile_id: str) -> bool:
    return bool(await sandbox.db.write(lambda conn: store.delete_contact(conn, owner.id, profile_id)))
