"""Fixtures for the Tribble contract tests: real HTTP client, real SQLite file."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.core.ledger.models import Account, Leg
from app.runtime import Sandbox
from app.settings import Settings

PASSWORD = "SecurePassword123!"
_counter = itertools.count(1)


@dataclass
class TUser:
    id: int
    uuid: str
    email: str
    token: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def sandbox_of(client: AsyncTestClient) -> Sandbox:
    return client.app.state.registry.default  # type: ignore[no-any-return]


async def merchant_account(client: AsyncTestClient, merchant_id: str, currency: str = "NGN") -> Account:
    """The ledger account (with its balance) of a Tribble merchant in ``currency``."""
    sandbox = sandbox_of(client)
    row = await sandbox.db.fetchone("SELECT seq FROM tribble_merchants WHERE id = ?", (merchant_id,))
    account = await sandbox.ledger.open_account("merchant", int(row["seq"]), currency)
    return await sandbox.ledger.balance(account.id)


async def register(client: AsyncTestClient, **overrides: Any) -> TUser:
    n = next(_counter)
    body = {
        "email": f"user{n}@example.com",
        "password": PASSWORD,
        "firstName": "John",
        "lastName": f"Doe{n}",
        "phoneNumber": f"+2348{n:09d}",
        "dateOfBirth": "1990-01-15",
        "accountType": "individual",
    }
    body.update(overrides)
    r = await client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]})
    assert r.status_code == 200, r.text
    data = r.json()
    sandbox = sandbox_of(client)
    user = await sandbox.identity.by_uuid(data["user"]["userId"])
    assert user is not None
    return TUser(user.id, user.uuid, user.email, data["accessToken"], data["refreshToken"])


async def relogin(client: AsyncTestClient, user: TUser) -> TUser:
    r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    user.token = r.json()["accessToken"]
    return user


async def make_admin(client: AsyncTestClient) -> TUser:
    user = await register(client)
    await sandbox_of(client).identity.add_role(user.id, "admin")
    return await relogin(client, user)


async def set_tier(client: AsyncTestClient, user: TUser, tier: int) -> None:
    await sandbox_of(client).identity.set_kyc(user.id, "approved", tier=tier)


async def deposit(client: AsyncTestClient, user: TUser, amount_minor: int, currency: str = "NGN") -> None:
    """Put money in the user's wallet the way an external deposit would (settlement -> wallet)."""
    sandbox = sandbox_of(client)
    wallet = await sandbox.ledger.open_account("user", user.id, currency)
    settlement = await sandbox.ledger.system_account("settlement", currency)
    await sandbox.ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, amount_minor)])


async def wallet_of(client: AsyncTestClient, user: TUser, currency: str = "NGN") -> dict[str, Any]:
    r = await client.get("/api/v1/wallets", params={"currency": currency}, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()["wallets"][0]  # type: ignore[no-any-return]


async def approved_merchant(client: AsyncTestClient, admin: TUser | None = None) -> tuple[TUser, str]:
    owner = await register(client)
    r = await client.post(
        "/api/v1/merchants/register",
        json={
            "businessName": "John's Store",
            "entityType": "sole_proprietor",
            "taxId": "12345678901",
            "industry": "retail",
            "bankAccount": {"bankCode": "044", "accountNumber": "1234567890", "accountHolder": "John Doe"},
        },
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    merchant_id = r.json()["merchantId"]
    admin = admin or await make_admin(client)
    r = await client.post(f"/api/v1/admin/merchants/{merchant_id}/approve", json={"notes": "ok"}, headers=admin.headers)
    assert r.status_code == 200, r.text
    return owner, merchant_id


async def settle_due(client: AsyncTestClient, seconds: float = 3600) -> None:
    """Advance the sandbox clock and fire whatever became due (simulator settlements, reviews)."""
    sandbox = sandbox_of(client)
    sandbox.clock.advance(seconds)
    await sandbox.scheduler.run_due()


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["statusCode"] == status
    assert body["errorCode"] == code
    assert set(body) >= {"statusCode", "errorCode", "message", "details", "timestamp", "requestId"}
    assert body["requestId"]
    return body  # type: ignore[no-any-return]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """As the root fixture, but without the background scheduler loop.

    AsyncTestClient starts the app (and so the scheduler task) in its portal's event loop while
    requests and the test run in the test's loop; a test calling ``scheduler.run_due()`` would
    then contend for the scheduler's asyncio.Lock across two loops and hang. Tests fire due work
    explicitly with ``settle_due`` (advance the sandbox clock, then ``run_due``).
    """
    return settings.replace(scheduler=False)
