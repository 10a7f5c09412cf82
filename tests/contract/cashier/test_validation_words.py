"""Cashier's ``error`` replies name the field and say what is wrong in plain words; the socket stays open."""

from __future__ import annotations

import json

from tests.contract.cashier.conftest import CashierUser, cashier_socket
from tests.support.server import LiveServer

TOO_LARGE = "amount is too large (at most 1000000000000000)"


async def test_validation_errors_name_the_field_in_plain_words(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        usd = {"currency": "USD", "service": "mpesa"}
        assert await client.error("deposit_request", {**usd, "amount": 1e18}) == TOO_LARGE
        assert await client.error("deposit_request", {**usd, "amount": 2**70}) == TOO_LARGE
        assert await client.error("deposit_request", {**usd, "amount": "1e18"}) == "amount must be a number"
        assert await client.error("deposit_request", {"amount": 5}) == "currency is required"
        assert await client.error("get_history", {"limit": 501}) == "limit must be at most 500"

        # 1e999 is valid JSON beyond any number: the field is named, not "invalid request format".
        await client.ws.send('{"type": "deposit_request", "data": {"amount": 1e999, "currency": "USD"}}')
        reply = await client.reply()
        assert (reply["type"], reply["data"]["message"]) == ("error", "amount is too large")
        # A frame that is not JSON keeps the documented wording.
        await client.ws.send('{"type": "deposit_request", "data": {"amount": ')
        assert (await client.reply())["data"]["message"] == "invalid request format"

        await client.ws.send(json.dumps({"type": "get_accounts", "data": {}}))
        assert (await client.reply())["type"] == "success"
