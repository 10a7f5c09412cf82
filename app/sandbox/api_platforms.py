"""/_sandbox/platforms: each platform's run-time settings (Tribble's KYC review delay, Drop's flags)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, put

from app.core.errors import NotFound, ValidationFailed
from app.core.tunables import Tunable, tunables_of
from app.registry import SandboxDep
from app.runtime import Sandbox


class PlatformSettings(msgspec.Struct):
    platform: str
    description: str
    # The platform's own keys (Tribble: kyc_review_seconds; Drop: its feature flags).
    settings: dict[str, Any]


class PlatformSettingsList(msgspec.Struct):
    platforms: list[PlatformSettings]


def _find(sandbox: Sandbox, platform: str) -> Tunable:
    found = tunables_of(sandbox).get(platform)
    if found is None:
        known = list(tunables_of(sandbox))
        raise NotFound(f"no settings for platform {platform!r}; platforms with settings: {known}", code="not_found")
    return found


async def _view(tunable: Tunable) -> PlatformSettings:
    return PlatformSettings(tunable.platform, tunable.description, await tunable.read())


class PlatformSettingsController(Controller):
    path = "/platforms"
    tags = ["sandbox: platforms"]

    @get("/", summary="Every platform's run-time settings")
    async def list_platform_settings(self, sandbox: SandboxDep) -> PlatformSettingsList:
        return PlatformSettingsList([await _view(t) for t in tunables_of(sandbox).values()])

    @get("/{platform:str}", summary="One platform's run-time settings")
    async def read_platform_settings(self, sandbox: SandboxDep, platform: str) -> PlatformSettings:
        return await _view(_find(sandbox, platform))

    @put("/{platform:str}", summary="Change some of a platform's run-time settings (the keys given)")
    async def update_platform_settings(self, sandbox: SandboxDep, platform: str, data: Any) -> PlatformSettings:
        tunable = _find(sandbox, platform)
        if not isinstance(data, dict) or not data:
            raise ValidationFailed("send a JSON object of the settings to change", code="invalid_setting")
        await tunable.write(data)
        return await _view(tunable)
