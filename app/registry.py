"""Which sandbox serves a request.

Today there is the ``default`` sandbox on ``--db``. Workspaces (one SQLite file each, chosen
by ``X-Sandbox-Workspace`` or ``?workspace=``) plug in here, so route code only ever asks
``sandbox_for(connection)``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.types import Scope

from app.runtime import Sandbox
from app.settings import Settings

# Route handlers declare ``sandbox: SandboxDep`` to receive the sandbox serving the request.
SandboxDep = NamedDependency[Sandbox]

WORKSPACE_HEADER = "x-sandbox-workspace"
DEFAULT_WORKSPACE = "default"


class SandboxRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = Sandbox(settings, settings.db, DEFAULT_WORKSPACE)
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        await self.default.start()

    async def stop(self) -> None:
        await self.default.stop()

    def workspace_name(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        name = connection.headers.get(WORKSPACE_HEADER) or connection.query_params.get("workspace")
        return name or DEFAULT_WORKSPACE

    async def get(self, name: str) -> Sandbox:
        if name == DEFAULT_WORKSPACE:
            return self.default
        from app.core.errors import NotFound

        raise NotFound(f"workspace {name!r} does not exist", code="workspace_not_found")


def registry_of(connection: ASGIConnection[Any, Any, Any, Any]) -> SandboxRegistry:
    registry: SandboxRegistry = connection.app.state.registry
    return registry


async def sandbox_for(scope: Scope) -> Sandbox:
    """The sandbox serving this request or WebSocket (Litestar dependency ``sandbox``)."""
    cached = scope.get("paysandbox.sandbox")  # type: ignore[typeddict-item]
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    registry = registry_of(connection)
    sandbox = await registry.get(registry.workspace_name(connection))
    sandbox.touch()
    scope["paysandbox.sandbox"] = sandbox  # type: ignore[typeddict-unknown-key]
    return sandbox
