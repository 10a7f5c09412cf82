"""Wallets, payment methods (tokenisation), wallet funding through the card simulator."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import assert_error, deposit, register, sandbox_of, settle_due, wallet_of

CARD = "4242424242424242"
CARD_BODY = {
    "type": "card",
    "cardNumber": CARD,
    "cardholderName": "John Doe",
    "expiryMonth": 12,
    "expiryYear": 2035,
    "cvv": "123",
    "isDefault": True,
}


async def test_wallet_list_get_filters(client: AsyncTestClient) -> None:
    user = await register(client)
    await deposit(client, user, 150_000_00)
    r = await client.get("/api/v1/wallets", headers=user.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {w["currency"] for w in body["wallets"]} == {"NGN", "USD"}
    assert body["pagination"] == {"total": 2, "limit": 20, "offset": 0, "hasMore": False}
    r = await client.get(
        "/api/v1/wallets", params={"limit": 1, "sortBy": "currency", "sortOrder": "asc"}, headers=user.headers
    )
    assert [w["currency"] for w in r.json()["wallets"]] == ["NGN"] and r.json()["pagination"]["hasMore"] is True
    r = await client.get("/api/v1/wallets", params={"status": "LOCKED"}, headers=user.headers)
    assert r.json()["wallets"] == []
    r = await client.get("/api/v1/wallets", params={"search": "usd"}, headers=user.headers)
    assert [w["currency"] for w in r.json()["wallets"]] == ["USD"]
    assert_error(await client.get("/api/v1/wallets", params={"limit": 0}, headers=user.headers), 400, "INVALID_REQUEST")
    assert_error(
        await client.get("/api/v1/wallets", params={"sortBy": "nope"}, headers=user.headers), 400, "INVALID_REQUEST"
    )
    assert_error(
        await client.get("/api/v1/wallets", params={"startDate": "yesterday"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )

    ngn = await wallet_of(client, user)
    assert ngn["balance"] == 150000.0
    r = await client.get(f"/api/v1/wallets/{ngn['walletId']}", headers=user.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["userId"] == user.uuid and body["status"] == "ACTIVE" and body["balance"] == 150000.0
    assert body["lastTransaction"]["type"] == "CREDIT" and body["lastTransaction"]["amount"] == 150000.0
    other = await register(client)
    assert_error(await client.get(f"/api/v1/wallets/{ngn['walletId']}", headers=other.headers), 404, "NOT_FOUND")
    assert_error(await client.get("/api/v1/wallets/wallet-99999", headers=user.headers), 404, "NOT_FOUND")


async def test_wallet_ids_and_offsets_are_ascii_64_bit_integers(client: AsyncTestClient) -> None:
    user = await register(client)
    await deposit(client, user, 100_00)
    own = (await client.get("/api/v1/wallets", headers=user.headers)).json()["wallets"][0]["walletId"]
    number = own.removeprefix("wallet-")
    arabic = "".join(chr(0x0660 + int(d)) for d in number)  # int() reads it as the same number
    for wallet in ("wallet-\u00b2", f"wallet-{arabic}", f"wallet-{2**63}", f"wallet-{'9' * 5000}"):  # "²" was a 500
        assert_error(await client.get(f"/api/v1/wallets/{wallet}", headers=user.headers), 404, "NOT_FOUND")
    beyond = await client.get("/api/v1/wallets", params={"offset": str(2**63)}, headers=user.headers)
    assert_error(beyond, 400, "INVALID_REQUEST")
    assert (await client.get("/api/v1/wallets", params={"offset": str(2**63 - 1)}, headers=user.headers)).is_success


async def test_card_tokenised_never_stored(client: AsyncTestClient) -> None:
    user = await register(client)
    r = await client.post("/api/v1/payment-methods", json=CARD_BODY, headers=user.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["last4Digits"] == "4242" and body["brand"] == "VISA" and body["isDefault"] is True
    assert body["message"] == "Card added successfully. Card has been tokenized."
    r = await client.post(
        "/api/v1/payment-methods",
        json={"type": "bank_account", "bankName": "GTBank", "accountNumber": "0123455678", "accountHolder": "John Doe"},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["accountNumber"] == "****5678" and r.json()["isDefault"] is False
    listed = (await client.get("/api/v1/payment-methods", headers=user.headers)).json()["paymentMethods"]
    assert {m["type"] for m in listed} == {"card", "bank_account"}
    # The card number and the CVV appear nowhere in the database file (nor the WAL).
    sandbox = sandbox_of(client)
    raw = sandbox.db.path.read_bytes()
    wal = sandbox.db.path.with_name(sandbox.db.path.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert CARD.encode() not in raw
    assert b"0123455678" not in raw

    card_id = body_id = (
        await client.get("/api/v1/payment-methods", params={"search": "visa"}, headers=user.headers)
    ).json()["paymentMethods"][0]["paymentMethodId"]
    r = await client.delete(f"/api/v1/payment-methods/{card_id}", headers=user.headers)
    assert r.status_code == 200 and r.json() == {
        "message": "Payment method deleted successfully",
        "paymentMethodId": body_id,
    }
    listed = (await client.get("/api/v1/payment-methods", headers=user.headers)).json()["paymentMethods"]
    assert len(listed) == 1 and listed[0]["isDefault"] is True  # the bank account became the default
    assert_error(await client.delete(f"/api/v1/payment-methods/{card_id}", headers=user.headers), 404, "NOT_FOUND")


async def test_card_validation_errors(client: AsyncTestClient) -> None:
    user = await register(client)
    post = lambda body: client.post("/api/v1/payment-methods", json=body, headers=user.headers)  # noqa: E731
    assert_error(await post({**CARD_BODY, "cardNumber": "4242424242424241"}), 422, "UNPROCESSABLE_ENTITY")
    assert_error(await post({**CARD_BODY, "expiryYear": 2020}), 422, "UNPROCESSABLE_ENTITY")
    assert_error(await post({**CARD_BODY, "cardNumber": "42x"}), 400, "INVALID_REQUEST")
    assert_error(await post({**CARD_BODY, "expiryMonth": 13}), 400, "INVALID_REQUEST")
    assert_error(await post({**CARD_BODY, "cvv": "1"}), 400, "INVALID_REQUEST")
    assert_error(await post({**CARD_BODY, "type": "crypto"}), 400, "INVALID_REQUEST")
    assert_error(await post({**CARD_BODY, "expiryMonth": "twelve"}), 400, "INVALID_REQUEST")
    assert_error(await post({"type": "bank_account", "bankName": "GTBank"}), 400, "INVALID_REQUEST")


async def test_fund_wallet_processing_then_completed(client: AsyncTestClient) -> None:
    user = await register(client)
    card = (await client.post("/api/v1/payment-methods", json=CARD_BODY, headers=user.headers)).json()
    ngn = await wallet_of(client, user)
    r = await client.post(
        "/api/v1/wallets/fund",
        json={"walletId": ngn["walletId"], "amount": 50000.00, "paymentMethodId": card["paymentMethodId"]},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "PROCESSING" and body["amount"] == 50000.0
    assert body["totalAmount"] == body["amount"] + body["transactionFee"]
    assert (await wallet_of(client, user))["balance"] == 0.0
    await settle_due(client)
    assert (await wallet_of(client, user))["balance"] == 50000.0
    r = await client.get(f"/api/v1/transactions/{body['transactionId']}", headers=user.headers)
    assert r.json()["status"] == "SUCCESS" and r.json()["type"] == "FUND"
    assert r.json()["processorResponse"]["status"] == "success"
    assert (await sandbox_of(client).ledger.check()).ok

    declined = (
        await client.post(
            "/api/v1/payment-methods", json={**CARD_BODY, "cardNumber": "4000000000000002"}, headers=user.headers
        )
    ).json()
    r = await client.post(
        "/api/v1/wallets/fund",
        json={"walletId": ngn["walletId"], "amount": 100, "paymentMethodId": declined["paymentMethodId"]},
        headers=user.headers,
    )
    assert r.status_code == 201 and r.headers.get("x-sandbox-explain")
    await settle_due(client)
    r = await client.get(f"/api/v1/transactions/{r.json()['transactionId']}", headers=user.headers)
    assert r.json()["status"] == "FAILED"
    assert r.json()["processorResponse"]["message"] == "Your card was declined."
    assert (await wallet_of(client, user))["balance"] == 50000.0

    fund = lambda body: client.post("/api/v1/wallets/fund", json=body, headers=user.headers)  # noqa: E731
    base = {"walletId": ngn["walletId"], "amount": 10, "paymentMethodId": card["paymentMethodId"]}
    assert_error(await fund({**base, "amount": -5}), 400, "INVALID_REQUEST")
    assert_error(await fund({**base, "amount": 1.234}), 400, "INVALID_REQUEST")
    assert_error(await fund({**base, "walletId": "wallet-0"}), 404, "NOT_FOUND")
    assert_error(await fund({**base, "paymentMethodId": "card-nope"}), 404, "NOT_FOUND")
    assert (await sandbox_of(client).ledger.check()).ok
