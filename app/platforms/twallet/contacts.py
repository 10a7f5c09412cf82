"""A user's saved contacts (``twallet_contacts``): other users' profile ids with stored names.

``save_requested`` is ``POST /profile/contact``'s rule (a live profile other than the owner's,
names defaulting to the profile's, at most ``MAX_NAME`` characters); ``save_contact`` stores.
"""

from __future__ import annotations

import sqlite3

from app.core.identity.models import User
from app.platforms.twallet import schemas as s
from app.platforms.twallet import store
from app.platforms.twallet.errors import TWalletError, record_not_found
from app.runtime import Sandbox

MAX_NAME = 100


async def save_requested(sandbox: Sandbox, owner: User, data: s.ContactRequest) -> None:
    """Save the profile ``data`` names in the owner's list (400 ``record not found`` for an unknown one)."""
    contact = await sandbox.identity.by_profile_id(data.profile_id)
    if contact is None or contact.status == "deleted":
        raise record_not_found()
    if contact.id == owner.id:
        raise TWalletError(400, "cannot save your own profile as a contact")
    first_name = data.first_name.strip() or contact.first_name
    last_name = data.last_name.strip() or contact.last_name
    if len(first_name) > MAX_NAME or len(last_name) > MAX_NAME:
        raise TWalletError(400, f"first_name and last_name must be at most {MAX_NAME} characters")
    await save_contact(sandbox, owner, contact, first_name, last_name)


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
