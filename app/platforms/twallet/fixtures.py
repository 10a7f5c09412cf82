"""Fixture items of T-Wallet: ``twallet_contacts`` (a user's saved contacts), built by ``contacts``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from app.core import fixture_kinds
from app.core.fixture_kinds import Built, Declared, FixtureKind, Issue, Ref
from app.platforms.twallet import contacts
from app.platforms.twallet.contacts import MAX_NAME

if TYPE_CHECKING:
    from app.runtime import Sandbox

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]


class Contact(msgspec.Struct, forbid_unknown_fields=True):
    owner: str  # "@user" whose contact list it is
    contact: str  # "@user" saved
    first_name: Name | None = None  # the stored names (default: the contact's own)
    last_name: Name | None = None


async def _check(item: Contact, doc: Declared) -> list[Issue]:
    if doc.user_name(item.owner).lower() == doc.user_name(item.contact).lower():
        return [("contact", "cannot save a user as their own contact")]
    return []


async def _apply(name: str, item: Contact, built: Built) -> dict[str, Any]:
    owner, contact = await built.user(item.owner), await built.user(item.contact)
    first, last = item.first_name or contact.first_name, item.last_name or contact.last_name
    saved = {row["profile_id"]: row for row in await contacts.list_contacts(built.sandbox, owner)}
    row = saved.get(contact.profile_id)
    if row is None or (row["first_name"], row["last_name"]) != (first, last):
        await contacts.save_contact(built.sandbox, owner, contact, first, last)
    return {"twallet": {"owner_profile_id": owner.profile_id, "profile_id": contact.profile_id}}


def install(sandbox: Sandbox) -> None:
    fixture_kinds.register(
        sandbox,
        FixtureKind(
            section="twallet_contacts",
            platform="twallet",
            order=20,
            summary="a saved T-Wallet contact: owner's list gets contact (names default to the contact's)",
            item=Contact,
            apply=_apply,
            refs=(Ref("owner", ("users",)), Ref("contact", ("users",))),
            check=_check,
        ),
    )
