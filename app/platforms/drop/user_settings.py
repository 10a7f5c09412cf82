"""A user's Drop settings: the row with the defaults made on first read, and the whitelists of a change."""

from __future__ import annotations

from typing import Any

from app.platforms.drop.errors import field_error, validation_error
from app.platforms.drop.schemas import DropSettings
from app.platforms.drop.store import settings as store
from app.runtime import Sandbox

CURRENCIES = ("EUR", "USD", "GBP", "BAM", "CHF", "PLN", "NOK", "RSD", "TRY", "PKR")
LANGUAGES = ("nb", "en", "bs", "sq")
_SWITCHES = (("pushEnabled", "push_enabled"), ("emailEnabled", "email_enabled"))


async def load_settings(sandbox: Sandbox, user_id: int) -> DropSettings:
    now = sandbox.clock.time()
    await store.ensure_settings(sandbox.db, user_id, now)
    row = await store.settings_of(sandbox.db, user_id)
    assert row is not None
    return DropSettings(row["currency"], row["language"], bool(row["push_enabled"]), bool(row["email_enabled"]))


def changes_of(body: dict[str, Any]) -> dict[str, Any]:
    """Column -> new value for each setting in the body; 422 ``validation_error`` listing every bad one."""
    errors = []
    changes: dict[str, Any] = {}
    if "currency" in body:
        if not isinstance(body["currency"], str) or body["currency"] not in CURRENCIES:
            errors.append(field_error("currency", f"must be one of {', '.join(CURRENCIES)}"))
        else:
            changes["currency"] = body["currency"]
    if "language" in body:
        if not isinstance(body["language"], str) or body["language"] not in LANGUAGES:
            errors.append(field_error("language", f"must be one of {', '.join(LANGUAGES)}"))
        else:
            changes["language"] = body["language"]
    for key, column in _SWITCHES:
        if key in body:
            if not isinstance(body[key], bool):
                errors.append(field_error(key, "must be a boolean"))
            else:
                changes[column] = int(body[key])
    if errors:
        raise validation_error(errors)
    return changes


async def update_settings(sandbox: Sandbox, user_id: int, changes: dict[str, Any]) -> DropSettings:
    """Apply ``changes`` (from ``changes_of``; the row made first) and read the settings back."""
    await load_settings(sandbox, user_id)
    if changes:
        await store.update_settings(sandbox.db, user_id, changes, sandbox.clock.time())
    return await load_settings(sandbox, user_id)
