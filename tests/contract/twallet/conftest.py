"""T-Wallet contract fixtures: users with tokens (X-Authorization) and funded ledger wallets."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.core.identity.models import User
from app.core.ledger.models import Leg
from app.core.money import parse_amount
from app.runtime import Sandbox

_phones = itertools.count(1)


@dataclass
class TUser:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Authorization": self.token}

    @property
    def phone_digits(self) -> str:
        assert self.user.phone
        return self.user.phone.lstrip("+")


class TWallet:
    def __init__(self, http: AsyncTestClient, sandbox: Sandbox) -> None:
        self.http = http
        self.sandbox = sandbox

    async def user(self, first: str = "Anna", last: str = "Berg", *, phone: str | None = None) -> TUser:
        n = next(_phones)
        phone = phone or f"+4670{n:07d}"
        user = await self.sandbox.identity.register(
            f"{first.lower()}.{n}@example.com", "pw-123456", first_name=first, last_name=last, phone=phone
        )
        pair = await self.sandbox.identity.issue_tokens(user, platform="twallet", ttl=3600)
        return TUser(user, pair.access_token)

    async def fund(self, who: TUser, currency: str, amount: str) -> int:
        ledger = self.sandbox.ledger
        wallet = await ledger.open_account("user", who.user.id, currency)
        settlement = await ledger.system_account("settlement", currency)
        await ledger.post(
            "TRANSACTION_TYPE_DEPOSIT",
            [Leg(settlement.id, wallet.id, parse_amount(amount, currency))],
            description="test funding",
        )
        return wallet.id

    async def get(self, path: str, who: TUser | None, **kw: Any) -> Any:
        headers = who.headers if who else {}
        return await self.http.get(path, headers=headers, **kw)

    async def post(self, path: str, who: TUser | None, body: Any, **kw: Any) -> Any:
        headers = {**(who.headers if who else {}), **kw.pop("headers", {})}
        return await self.http.post(path, headers=headers, json=body, **kw)

    async def send(self, who: TUser, to: TUser, asset: str, amount: Any, notes: str | None = None, **kw: Any) -> Any:
        body = {
            "from_account_id": who.user.twallet_account_id,
            "to_profile_id": to.user.profile_id,
            "asset_key": asset,
            "amount": amount,
            "meta_data": {"notes": notes},
        }
        return await self.post("/profile/send-to-profile", who, body, **kw)

    async def settle(self) -> None:
        """Let due settlements fire: advance the (frozen) sandbox clock past the settle delay.

        Through the control API, so the scheduler runs on the app's own event loop.
        """
        resp = await self.http.post("/_sandbox/clock/advance", json={"seconds": 5})
        assert resp.status_code == 200, resp.text

    async def balances(self, who: TUser) -> dict[str, Any]:
        resp = await self.get(f"/profile/account/{who.user.twallet_account_id}", who)
        assert resp.status_code == 200, resp.text
        return resp.json()["balances"]


@pytest.fixture
async def tw(client: AsyncTestClient) -> TWallet:
    sandbox: Sandbox = client.app.state.registry.default
    resp = await client.post("/_sandbox/clock/freeze")  # settlements fire only when a test advances the clock
    assert resp.status_code == 200, resp.text
    return TWallet(client, sandbox)
