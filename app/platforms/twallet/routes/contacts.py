"""The caller's saved contacts: ``POST``/``GET /profile/contact``, ``DELETE /profile/contact/{profile_id}``."""

from __future__ import annotations

from litestar import delete, get, post

from app.core.identity.models import User
from app.platforms.twallet import contacts, render
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController
from app.platforms.twallet.errors import record_not_found
from app.registry import SandboxDep


class ContactsController(GuardedController):
    path = "/profile"

    @post(
        "/contact",
        operation_id="twalletSaveContact",
        status_code=200,
        opt={"twallet_op": "contact"},
    )
    async def save_contact(self, sandbox: SandboxDep, user: User, data: s.ContactRequest) -> s.CodeMsg:
        await contacts.save_requested(sandbox, user, data)
        return render.accepted()

    @get("/contact", operation_id="twalletListContacts", opt={"twallet_op": "contact"})
    async def list_contacts(self, sandbox: SandboxDep, user: User) -> s.ContactList:
        rows = await contacts.list_contacts(sandbox, user)
        return s.ContactList(data={row["profile_id"]: render.saved_contact(row) for row in rows})

    @delete(
        "/contact/{profile_id:str}",
        operation_id="twalletDeleteContact",
        status_code=200,
        opt={"twallet_op": "contact"},
    )
    async def delete_contact(self, sandbox: SandboxDep, user: User, profile_id: str) -> s.CodeMsg:
        if not await contacts.delete_contact(sandbox, user, profile_id):
            raise record_not_found()
        return render.accepted()
