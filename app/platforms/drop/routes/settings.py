"""/api/settings: get (defaults created on first read) and patch with the whitelists."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, patch

from app.platforms.drop.auth import current_user
from app.platforms.drop.errors import field_error, validation_error
from app.platforms.drop.parsing import json_object
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropSettings
from app.platforms.drop.store import settings as store
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: settings"]
CURRENCIES = ("EUR", "USD", "GBP", "BAM", "CHF", "PLN", "NOK", "RSD", "TRY", "PKR")
LANGUAGES = ("nb", "en", "bs", "sq")


async def load_settings(sandbox: Sandbox, user_id: int) -> DropSettings:
    now = sandbox.clock.time()
    await store.ensure_settings(sandbox.db, user_id, now)
    row = await store.settings_of(sandbox.db, user_id)
    assert row is not None
    return DropSettings(row["currency"], row["language"], bool(row["push_enabled"]), bool(row["email_enabled"]))


@get("/api/settings", tags=TAGS, summary="User settings (defaults created when none exist)")
async def get_settings(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSettings]]:
    user = await current_user(request, sandbox)
    return ok(request, Data(await load_settings(sandbox, user.id)))


@patch("/api/settings", tags=TAGS, summary="Update user settings")
async def update_settings(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSettings]]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
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
    for key, column in (("pushEnabled", "push_enabled"), ("emailEnabled", "email_enabled")):
        if key in body:
            if not isinstance(body[key], bool):
                errors.append(field_error(key, "must be a boolean"))
            else:
                changes[column] = int(body[key])
    if errors:
        raise validation_error(errors)
    await load_settings(sandbox, user.id)
    if changes:
        await store.update_settings(sandbox.db, user.id, changes, sandbox.clock.time())
    return ok(request, Data(await load_settings(sandbox, user.id)))


ROUTES = [get_settings, update_settings]
