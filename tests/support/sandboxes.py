"""A started core sandbox (no HTTP) for fixtures and tests that need one of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.runtime import Sandbox
from app.settings import Settings


@asynccontextmanager
async def started_sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """Start a sandbox on ``settings.db`` and stop it on the way out (also when the body fails)."""
    box = Sandbox(settings, settings.db)
    await box.start()
    try:
        yield box
    finally:
        await box.stop()
