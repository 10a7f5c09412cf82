"""``GET /contact?find=phone:<digits>``: find a recipient's profile by the phone they registered with."""

from __future__ import annotations

import re

from litestar import get

from app.core.identity.models import User
from app.platforms.twallet import render
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController
from app.platforms.twallet.errors import RECORD_NOT_FOUND, TWalletError
from app.registry import SandboxDep

_DIGITS = re.compile(r"^[0-9]{6,15}$")


class FindController(GuardedController):
    path = "/contact"

    @get("/", operation_id="twalletFindContact", opt={"twallet_op": "find"})
    async def find_contact(self, sandbox: SandboxDep, user: User, find: str | None = None) -> s.FoundContact:
        phone = _phone_query(find)
        contact = await sandbox.identity.by_phone("+" + phone)
        if contact is None or contact.status == "deleted":
            raise TWalletError(404, RECORD_NOT_FOUND)
        return render.found_contact(contact)


def _phone_query(find: str | None) -> str:
    """The digits of ``find=phone:<digits>`` (400 with a message saying what is wrong)."""
    value = (find or "").strip()
    if not value:
        raise TWalletError(400, "find is required: use find=phone:<digits>")
    field, sep, digits = value.partition(":")
    if not sep or field.lower() != "phone":
        raise TWalletError(400, "find must be phone:<digits>")
    digits = digits.strip()
    if digits.startswith("+"):
        raise TWalletError(400, "phone must contain digits only: remove the leading '+'")
    if digits.startswith("00"):
        raise TWalletError(400, "phone must not start with '00': give the country code and number as digits")
    if not _DIGITS.match(digits):
        raise TWalletError(400, "phone must contain 6 to 15 digits only")
    return digits
