"""/api/settings: get (defaults created on first read) and patch with the whitelists."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, patch

from app.lean_response import Response
from app.platforms.drop import user_settings
from app.platforms.drop.auth import current_user
from app.platforms.drop.parsing import json_object
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropSettings
from app.registry import SandboxDep

TAGS = ["Drop: settings"]


@get("/api/settings", tags=TAGS, summary="User settings (defaults created when none exist)")
async def get_settings(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSettings]]:
    user = await current_user(request, sandbox)
    return ok(request, Data(await user_settings.load_settings(sandbox, user.id)))


@patch("/api/settings", tags=TAGS, summary="Update user settings")
async def update_settings(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSettings]]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    changes = user_settings.changes_of(body)
    return ok(request, Data(await user_settings.update_settings(sandbox, user.id, changes)))


ROUTES = [get_settings, update_settings]
