"""The services the control API steers, looked up on the request's sandbox.

Each component installs itself on the sandbox; when one is missing (not installed in this
build) the control endpoints that need it answer 503 ``service_unavailable`` instead of a 500.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.core.errors import NotFound
from app.core.numbers import strict_int
from app.sandbox.errors import ServiceUnavailable

if TYPE_CHECKING:
    from app.runtime import Sandbox

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def service(sandbox: Sandbox, name: str) -> Any:
    found = getattr(sandbox, name, None)
    if found is None:
        raise ServiceUnavailable(f"The {name} service is not installed on this sandbox")
    return found


def identity(sandbox: Sandbox) -> Any:
    return service(sandbox, "identity")


def ledger(sandbox: Sandbox) -> Any:
    return service(sandbox, "ledger")


def simulators(sandbox: Sandbox) -> Any:
    return service(sandbox, "simulators")


def part(owner: Any, name: str, what: str) -> Any:
    found = getattr(owner, name, None)
    if found is None:
        raise ServiceUnavailable(f"The simulators do not provide {what}")
    return found


async def find_user(sandbox: Sandbox, ref: str | int) -> Any:
    """A user by email, numeric id, uuid, Drop id (``usr_...``) or phone; NotFound(user_not_found)."""
    ids = identity(sandbox)
    user = None
    text = str(ref).strip()
    user_id = strict_int(ref if isinstance(ref, int) else text, minimum=1)  # "²", "١", 2**63: no id, no user
    if user_id is not None:
        user = await ids.get_user(user_id)
    elif "@" in text:
        user = await ids.by_email(text)
    elif _UUID.match(text):
        user = await ids.by_uuid(text.lower())
    elif text.startswith("usr_") and hasattr(ids, "by_drop_id"):
        user = await ids.by_drop_id(text)
    elif text.startswith("+") and hasattr(ids, "by_phone"):
        user = await ids.by_phone(text)
    if user is None:
        raise NotFound(f"No user {text!r} (use an email, a numeric id or a uuid)", code="user_not_found", user=text)
    return user
