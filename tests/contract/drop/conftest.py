"""Drop contract fixtures: a cookie-keeping HTTP client on a real app and a real SQLite file."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.runtime import Sandbox
from app.settings import Settings

_counter = itertools.count(1)
PASSWORD = "secret123"


def person(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body = {
        "email": f"drop.user{n}@example.com",
        "password": PASSWORD,
        "firstName": "Jasmina",
        "lastName": f"Hodzic{n}",
        "dateOfBirth": "1990-04-12",
        "phone": f"+4790{n:06d}",
    }
    body.update(overrides)
    return body


@dataclass
class DropClient:
    """One browser-like session: the client keeps the drop_token cookie between requests."""

    http: httpx.AsyncClient
    sandbox: Sandbox
    user: dict[str, Any]
    email: str

    async def user_id(self) -> int:
        found = await self.sandbox.identity.by_email(self.email)
        assert found is not None
        return found.id

    async def approve_kyc(self) -> None:
        await self.sandbox.identity.set_kyc(await self.user_id(), "approved", 2)


SessionFactory = Callable[..., Awaitable["DropClient"]]


@pytest.fixture
async def app_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncTestClient]:
    if os.environ.get("DROP_TESTS_ONLY"):  # serve Drop alone while other platforms are mid-change
        monkeypatch.setattr("app.platforms.PLATFORMS", ["drop"])
        monkeypatch.setattr("app.asgi.PLATFORMS", ["drop"])
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
def sandbox_of(app_client: AsyncTestClient) -> Sandbox:
    return app_client.app.state.registry.default  # type: ignore[no-any-return]


def browser(app_client: AsyncTestClient) -> httpx.AsyncClient:
    """A fresh cookie jar on the running app (the app's lifespan is held by ``app_client``)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app_client.app), base_url="http://testserver")


@pytest.fixture
async def new_session(app_client: AsyncTestClient, sandbox_of: Sandbox) -> AsyncIterator[SessionFactory]:
    """Factory: register a user in its own cookie jar; the jar keeps ``drop_token``."""
    clients: list[httpx.AsyncClient] = []

    async def make(**overrides: Any) -> DropClient:
        client = browser(app_client)
        clients.append(client)
        body = person(**overrides)
        resp = await client.post("/api/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        return DropClient(client, sandbox_of, resp.json()["data"], body["email"])

    yield make
    for client in clients:
        await client.aclose()
