"""Tribble's 400 INVALID_REQUEST names the field and says what is wrong, in plain words (not msgspec's)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import assert_error, register

JSON = {"content-type": "application/json"}


def _details(r: Any) -> dict[str, Any]:
    body = assert_error(r, 400, "INVALID_REQUEST")
    assert body["message"] == "The request is invalid"
    details: dict[str, Any] = body["details"]
    return details


async def test_validation_errors_name_the_field_in_plain_words(client: AsyncTestClient) -> None:
    user = await register(client)
    h = user.headers
    fund = "/api/v1/wallets/fund"

    details = _details(
        await client.post(fund, json={"walletId": "w", "amount": "ten", "paymentMethodId": "p"}, headers=h)
    )
    assert details["field"] == "amount" and details["message"] == "amount must be a number"
    assert details["errors"] == [{"field": "amount", "message": "amount must be a number"}]

    details = _details(await client.post(fund, json={"amount": 5}, headers=h))
    assert (details["field"], details["message"]) == ("walletId", "walletId is required")  # the wire name

    raw = b'{"walletId": "w", "amount": 1e999, "paymentMethodId": "p"}'
    details = _details(await client.post(fund, content=raw, headers={**h, **JSON}))
    assert (details["field"], details["message"]) == ("amount", "amount is too large")

    details = _details(await client.post(fund, content=b'{"walletId": ', headers={**h, **JSON}))
    assert "field" not in details and details["message"] == "the body is not valid JSON (it ends too early)"

    sale = {"amount": 1e18, "currency": "USD", "merchantId": "merchant-x"}
    details = _details(await client.post("/api/v1/transactions", json=sale, headers=h))
    assert details == {"field": "amount", "message": "amount is too large (at most 1000000000000000)"}
    details = _details(await client.post("/api/v1/transactions", json={**sale, "amount": 2**70}, headers=h))
    assert details["message"] == "amount is too large (at most 1000000000000000)"

    details = _details(await client.get("/api/v1/transactions", params={"limit": "many"}, headers=h))
    assert (details["field"], details["message"]) == ("limit", "limit must be an integer")
