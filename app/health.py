"""GET /api/health exactly as Drop documents it (platform-neutral: every client may call it)."""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.core.clock import iso
from app.lean_response import Response
from app.registry import SandboxDep

VERSION = "0.1.0"


class Health(msgspec.Struct):
    status: Literal["ok", "error"]
    version: str
    uptime: int
    db: Literal["connected", "unreachable"]
    dbLatencyMs: int
    timestamp: str


@get("/api/health", summary="System health check", tags=["health"])
async def health(sandbox: SandboxDep) -> Response[Health]:
    try:
        latency = await sandbox.db.latency_ms()
        body = Health("ok", VERSION, int(sandbox.uptime), "connected", round(latency), iso(sandbox.clock.time()))
        return Response(body, status_code=HTTP_200_OK)
    except Exception:
        body = Health("error", VERSION, int(sandbox.uptime), "unreachable", 0, iso(sandbox.clock.time()))
        return Response(body, status_code=HTTP_503_SERVICE_UNAVAILABLE)
