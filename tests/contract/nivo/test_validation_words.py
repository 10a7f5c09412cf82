"""Nivo's VALIDATION_ERROR / BAD_REQUEST messages name the field in plain words; "An INR wallet"."""

from __future__ import annotations

from tests.contract.nivo.conftest import Nivo

DEPOSIT = "/api/v1/transaction/transactions/deposit"
JSON = {"content-type": "application/json"}


async def test_validation_errors_name_the_field_in_plain_words(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet = await nivo.wallet(user)

    async def refused(body: object, code: str = "VALIDATION_ERROR") -> str:
        return await nivo.error("POST", DEPOSIT, user, body, 400, code)

    assert await refused({"amount": "5"}) == "wallet_id is required"
    assert await refused({"wallet_id": wallet, "amount": True}) == "amount must be a number"
    assert await refused({"wallet_id": wallet, "amount": "ten"}) == "amount must be a number"
    assert await refused({"wallet_id": wallet, "amount": 1e18}) == "amount is too large (at most 1000000000000000)"
    assert await refused({"wallet_id": wallet, "amount": 2**70}) == "amount is too large (at most 1000000000000000)"
    assert await refused({"wallet_id": wallet, "amount": "1", "description": 5}) == "description must be a string"

    raw = await nivo.call("POST", DEPOSIT, user, content=b'{"wallet_id": "w", "amount": 1e999}', headers=JSON)
    assert raw.status_code == 400
    assert raw.json()["error"] == {"code": "VALIDATION_ERROR", "message": "amount is too large"}
    cut = await nivo.call("POST", DEPOSIT, user, content=b'{"wallet_id": ', headers=JSON)
    assert cut.status_code == 400
    assert cut.json()["error"] == {"code": "BAD_REQUEST", "message": "the body is not valid JSON (it ends too early)"}


async def test_a_second_wallet_in_a_currency_says_an_or_a_by_its_sound(nivo: Nivo) -> None:
    user = await nivo.user()
    await nivo.wallet(user, "INR", activate=False)
    await nivo.wallet(user, "USD", activate=False)
    again = "/api/v1/wallet/wallets"
    assert await nivo.error("POST", again, user, {"currency": "INR"}, 409, "CONFLICT") == (
        "An INR wallet already exists for this user"
    )
    assert await nivo.error("POST", again, user, {"currency": "USD"}, 409, "CONFLICT") == (
        "A USD wallet already exists for this user"
    )
