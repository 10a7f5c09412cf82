"""T-Wallet's ``{"code": 400, "msg": [...]}`` says what is wrong in plain words, naming fields as sent."""

from __future__ import annotations

from tests.contract.twallet.conftest import TWallet

JSON = {"content-type": "application/json"}


async def test_validation_errors_name_the_field_in_plain_words(tw: TWallet) -> None:
    anna = await tw.user()
    bob = await tw.user("Bob", "Lind")
    await tw.fund(anna, "USD", "100.00")

    async def msg(resp: object) -> list[str]:
        assert resp.status_code == 400, resp.text  # type: ignore[attr-defined]
        body = resp.json()  # type: ignore[attr-defined]
        assert body["code"] == 400
        return list(body["msg"])

    # ?type= is the handler's ``type_``: the client reads the name it sent.
    assert await msg(await tw.get("/profile/payment_transaction?type=abc", anna)) == ["type must be an integer"]
    assert await msg(await tw.get("/profile/payment_transaction?page=0", anna)) == ["page must be at least 1"]

    assert await msg(await tw.send(anna, bob, "USD", "ten")) == ["amount must be a decimal number"]
    assert await msg(await tw.send(anna, bob, "USD", 1e18)) == ["amount is too large (at most 1000000000000000)"]
    assert await msg(await tw.send(anna, bob, "USD", 2**70)) == ["amount is too large (at most 1000000000000000)"]
    body = {"to_profile_id": bob.user.profile_id, "asset_key": "USD", "amount": 1}
    assert await msg(await tw.post("/profile/send-to-profile", anna, body)) == ["from_account_id is required"]
    nested = {**body, "from_account_id": anna.user.twallet_account_id, "meta_data": {"notes": 5}}
    assert await msg(await tw.post("/profile/send-to-profile", anna, nested)) == ["meta_data.notes must be a string"]

    raw = b'{"from_account_id": "x", "amount": 1e999}'
    headers = {**anna.headers, **JSON}
    assert await msg(await tw.http.post("/profile/send-to-profile", content=raw, headers=headers)) == [
        "amount is too large"
    ]
    cut = await tw.http.post("/profile/send-to-profile", content=b'{"amount": ', headers=headers)
    assert await msg(cut) == ["the body is not valid JSON (it ends too early)"]
