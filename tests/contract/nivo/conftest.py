"""Nivo contract fixtures: an HTTP client speaking Nivo's gateway, users with tokens, active wallets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from app.runtime import Sandbox

_seq = itertools.count(1)
PASSWORD = "SecurePass123"


def next_phone() -> str:
    return f"+9198{next(_seq):08d}"


@dataclass
class NivoUser:
    id: str
    email: str
    phone: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Nivo:
    """Thin helper over a real HTTP client: asserts the envelope and returns ``data``."""

    def __init__(self, http: AsyncTestClient | httpx.AsyncClient, sandbox: Sandbox) -> None:
        self.http = http
        self.sandbox = sandbox

    async def call(
        self, method: str, path: str, user: NivoUser | None = None, json: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if user is not None:
            headers.update(user.auth)
        return await self.http.request(method, path, json=json, headers=headers, **kw)

    async def ok(
        self, method: str, path: str, user: NivoUser | None = None, json: Any = None, status: int = 200, **kw: Any
    ) -> Any:
        resp = await self.call(method, path, user, json, **kw)
        assert resp.status_code == status, resp.text
        body = resp.json()
        assert body["success"] is True, body
        return body["data"]

    async def error(
        self, method: str, path: str, user: NivoUser | None, json: Any, status: int, code: str, **kw: Any
    ) -> str:
        resp = await self.call(method, path, user, json, **kw)
        assert resp.status_code == status, resp.text
        body = resp.json()
        assert body["success"] is False, body
        assert body["error"]["code"] == code, body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        return str(body["error"]["message"])

    async def user(self, name: str = "Asha Rao", *, register: bool = True) -> NivoUser:
        n = next(_seq)
        email = f"nivo{n}@example.com"
        phone = next_phone()
        data = await self.ok(
            "POST",
            "/api/v1/identity/auth/register",
            json={"email": email, "password": PASSWORD, "full_name": name, "phone": phone},
            status=201,
        )
        login = await self.ok("POST", "/api/v1/identity/auth/login", json={"email": email, "password": PASSWORD})
        return NivoUser(data["id"], email, phone, login["token"])

    async def relogin(self, user: NivoUser) -> NivoUser:
        login = await self.ok("POST", "/api/v1/identity/auth/login", json={"email": user.email, "password": PASSWORD})
        return NivoUser(user.id, user.email, user.phone, login["token"])

    async def portal(self, user: NivoUser) -> NivoUser:
        login = await self.ok(
            "POST",
            "/api/v1/identity/auth/login",
            json={"email": user.email, "password": PASSWORD, "account_type": "user_admin"},
        )
        return NivoUser(user.id, user.email, user.phone, login["token"])

    async def wallet(
        self, user: NivoUser, currency: str = "INR", *, activate: bool = True, deposit: str | None = None
    ) -> str:
        data = await self.ok("POST", "/api/v1/wallet/wallets", user, {"currency": currency}, status=201)
        wallet_id = str(data["id"])
        if activate:
            await self.ok("POST", f"/api/v1/wallet/wallets/{wallet_id}/activate", user)
        if deposit is not None:
            await self.deposit(user, wallet_id, deposit, currency)
        return wallet_id

    async def deposit(self, user: NivoUser, wallet_id: str, amount: str, currency: str = "INR") -> Any:
        return await self.ok(
            "POST",
            "/api/v1/transaction/transactions/deposit",
            user,
            {"wallet_id": wallet_id, "amount": amount, "currency": currency, "description": "top up"},
            status=201,
        )

    async def balance(self, user: NivoUser, wallet_id: str) -> Any:
        return await self.ok("GET", f"/api/v1/wallet/wallets/{wallet_id}/balance", user)

    async def pending_otp(self, user: NivoUser, verification_id: str) -> str:
        portal = await self.portal(user)
        data = await self.ok("GET", "/api/v1/identity/verifications/pending", portal)
        match = [v for v in data["verifications"] if v["id"] == verification_id]
        assert match, data
        return str(match[0]["otp"])

    async def verify(self, user: NivoUser, verification_id: str) -> str:
        otp = await self.pending_otp(user, verification_id)
        data = await self.ok("POST", f"/api/v1/identity/verifications/{verification_id}/verify", user, {"otp": otp})
        assert data["verified"] is True
        return str(data["token"]["token"])


def sandbox_of(client: AsyncTestClient) -> Sandbox:
    box: Sandbox = client.app.state.registry.default
    return box


@pytest.fixture
async def nivo(client: AsyncTestClient) -> Nivo:
    return Nivo(client, sandbox_of(client))


async def advance(sandbox: Sandbox, seconds: float) -> None:
    """Move the sandbox clock and fire what became due (no sleeping in tests)."""
    sandbox.clock.advance(seconds)
    await sandbox.save_clock()
    await sandbox.scheduler.run_due()
