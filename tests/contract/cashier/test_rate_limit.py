"""100 requests per minute per user: the 101st gets "rate limit exceeded" and the socket stays open."""

from __future__ import annotations

import pytest

from app.settings import Settings
from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket
from tests.support.server import LiveServer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(rate_limits=True)


async def test_rate_limit_per_user_keeps_the_connection(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as one, cashier_socket(live, user.token) as two:
        for i in range(100):
            client = one if i % 2 else two  # the limit is per user, across their sockets
            reply = await client.request("get_accounts", {})
            assert reply["type"] == "success", i
        limited = await one.request("get_accounts", {}, id="r101")
        assert limited["type"] == "error"
        assert limited["data"]["message"] == "rate limit exceeded"
        assert limited["id"] == "r101"
        assert (await two.error("get_accounts")) == "rate limit exceeded"
        await advance(live, 61)
        assert (await one.ok("get_accounts"))["message"] == "accounts retrieved"
