"""Shared fixtures: settings on a temp database, a started core sandbox, an HTTP client, a live server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.runtime import Sandbox
from app.settings import Settings
from tests.support.sandboxes import started_sandbox
from tests.support.server import LiveServer, live_server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh empty database (migrations only), fast bcrypt, rate limits off unless a test turns them on."""
    return Settings.load(
        env={},
        db=tmp_path / "sandbox.db",
        example_db=tmp_path / "no-example.db",
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
    )


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """A started sandbox (core services, simulators) without HTTP."""
    async with started_sandbox(settings) as box:
        yield box


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn server on a free port (WebSocket, Socket.IO and e2e tests)."""
    with live_server(settings) as server:
        yield server
