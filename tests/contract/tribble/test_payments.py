"""Payments to merchants, fraud blocks, KYC limits, idempotency, refunds, receipts."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import (
    approved_merchant,
    assert_error,
    deposit,
    make_admin,
    merchant_account,
    register,
    sandbox_of,
    set_tier,
    settle_due,
    wallet_of,
)
from tests.contract.tribble.test_wallets_cards import CARD_BODY


async def _merchant_balance(client: AsyncTestClient, merchant_id: str, currency: str = "NGN") -> int:
    return (await merchant_account(client, merchant_id, currency)).balance


async def test_wallet_payment_idempotent_and_errors(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 2)
    await deposit(client, user, 20_000_00)
    body = {
        "amount": 10000.00,
        "currency": "NGN",
        "customerId": user.uuid,
        "merchantId": merchant_id,
        "description": "Payment for order #12345",
        "metadata": {"orderId": "order-12345", "reference": "REF-001"},
    }
    headers = {**user.headers, "Idempotency-Key": "order-12345"}
    first, second = await asyncio.gather(
        client.post("/api/v1/transactions", json=body, headers=headers),
        client.post("/api/v1/transactions", json=body, headers=headers),
    )
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    created = first.json()
    assert set(created) == {
        "transactionId",
        "amount",
        "currency",
        "status",
        "fraudScore",
        "createdAt",
        "processorChargeId",
    }
    assert created["status"] == "SUCCESS" and created["fraudScore"]["decision"] == "ALLOW"
    assert (await wallet_of(client, user))["balance"] == 10000.0
    assert await _merchant_balance(client, merchant_id) == 10000_00
    again = await client.post("/api/v1/transactions", json=body, headers=headers)
    assert again.json() == created
    assert_error(
        await client.post("/api/v1/transactions", json={**body, "amount": 5}, headers=headers),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    assert (await wallet_of(client, user))["balance"] == 10000.0

    r = await client.get(f"/api/v1/transactions/{created['transactionId']}", headers=user.headers)
    detail = r.json()
    assert detail["status"] == "SUCCESS" and detail["customerId"] == user.uuid and detail["merchantId"] == merchant_id
    assert len(detail["fraudScore"]["riskFactors"]) == 5 and detail["receipt"]["url"].endswith(".pdf")
    assert detail["paymentMethod"]["type"] == "wallet"
    # the merchant's owner sees it too; a stranger does not
    assert (
        await client.get(f"/api/v1/transactions/{created['transactionId']}", headers=owner.headers)
    ).status_code == 200
    stranger = await register(client)
    assert_error(
        await client.get(f"/api/v1/transactions/{created['transactionId']}", headers=stranger.headers), 404, "NOT_FOUND"
    )

    post = lambda b: client.post("/api/v1/transactions", json=b, headers=user.headers)  # noqa: E731
    r = await post({**body, "amount": 50000})
    err = assert_error(r, 402, "INSUFFICIENT_FUNDS")
    assert err["details"]["available"] == 10000.0
    assert_error(await post({**body, "amount": 0}), 400, "INVALID_REQUEST")
    assert_error(await post({**body, "currency": "XXX"}), 400, "INVALID_REQUEST")
    assert_error(await post({**body, "merchantId": "merchant-nope"}), 404, "NOT_FOUND")
    assert_error(await post({**body, "customerId": owner.uuid}), 403, "FORBIDDEN")
    pending = await client.post(
        "/api/v1/merchants/register",
        json={"businessName": "Pending Co", "entityType": "sole_proprietor", "taxId": "99887766"},
        headers=owner.headers,
    )
    assert_error(await post({**body, "merchantId": pending.json()["merchantId"]}), 403, "MERCHANT_INACTIVE")
    assert (await sandbox_of(client).ledger.check()).ok


async def test_kyc_limits_and_fraud_block(client: AsyncTestClient) -> None:
    _owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await deposit(client, user, 1_000_000_00)
    body = {"amount": 25000, "currency": "NGN", "merchantId": merchant_id}
    err = assert_error(
        await client.post("/api/v1/transactions", json=body, headers=user.headers), 403, "KYC_INCOMPLETE"
    )
    assert err["details"]["kycTier"] == 0
    await set_tier(client, user, 3)
    ok = await client.post("/api/v1/transactions", json={**body, "amount": 1000}, headers=user.headers)
    assert ok.status_code == 201 and ok.json()["fraudScore"]["riskLevel"] == "LOW"
    risky = {**user.headers, "X-Device-Id": "dev-new", "X-Forwarded-For": "203.0.113.7", "X-Country": "RU"}
    r = await client.post("/api/v1/transactions", json={**body, "amount": 50000}, headers=risky)
    err = assert_error(r, 403, "FRAUD_BLOCK")
    assert err["details"]["decision"] in {"HOLD", "BLOCK"}
    blocked_id = err["details"]["transactionId"]
    r = await client.get(f"/api/v1/transactions/{blocked_id}", headers=user.headers)
    assert r.json()["status"] == "BLOCKED"
    listed = await client.get("/api/v1/transactions", params={"status": "BLOCKED"}, headers=user.headers)
    assert [t["transactionId"] for t in listed.json()["transactions"]] == [blocked_id]
    alerts = await sandbox_of(client).events.log(type="fraud:risk_alert")
    assert alerts and alerts[-1].data["transactionId"] == blocked_id and alerts[-1].platform == "tribble"
    assert (await wallet_of(client, user))["balance"] == 1_000_000 - 1000


async def test_card_payment_list_filters_refunds_receipts(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 2)
    card = (await client.post("/api/v1/payment-methods", json=CARD_BODY, headers=user.headers)).json()
    body = {"amount": 10000, "currency": "NGN", "merchantId": merchant_id, "paymentMethodId": card["paymentMethodId"]}
    r = await client.post("/api/v1/transactions", json={**body, "description": "Blue shoes"}, headers=user.headers)
    assert r.status_code == 201, r.text
    txn = r.json()
    assert txn["status"] == "PROCESSING" and txn["processorChargeId"].startswith("charge-")
    assert_error(
        await client.get(f"/api/v1/transactions/{txn['transactionId']}/receipt", headers=user.headers),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    await settle_due(client)
    detail = (await client.get(f"/api/v1/transactions/{txn['transactionId']}", headers=user.headers)).json()
    assert detail["status"] == "SUCCESS" and detail["paymentMethod"] == {
        "type": "card",
        "last4Digits": "4242",
        "brand": "VISA",
    }
    assert detail["completedAt"] and detail["processorResponse"]["status"] == "success"
    assert await _merchant_balance(client, merchant_id) == 10000_00
    for amount in (200, 300):
        await client.post("/api/v1/transactions", json={**body, "amount": amount}, headers=user.headers)
    await settle_due(client)
    # list: pagination, filters, sorting, search
    r = await client.get(
        "/api/v1/transactions", params={"limit": 2, "sortBy": "amount", "sortOrder": "asc"}, headers=user.headers
    )
    page = r.json()
    assert [t["amount"] for t in page["transactions"]] == [200.0, 300.0]
    assert page["pagination"] == {"total": 3, "limit": 2, "offset": 0, "hasMore": True}
    r = await client.get("/api/v1/transactions", params={"search": "blue"}, headers=user.headers)
    assert [t["transactionId"] for t in r.json()["transactions"]] == [txn["transactionId"]]
    r = await client.get(
        "/api/v1/transactions", params={"status": "SUCCESS", "startDate": "2000-01-01"}, headers=user.headers
    )
    assert r.json()["pagination"]["total"] == 3
    r = await client.get("/api/v1/transactions", params={"endDate": "2000-01-01"}, headers=user.headers)
    assert r.json()["pagination"]["total"] == 0
    r = await client.get("/api/v1/transactions", params={"merchantId": merchant_id}, headers=owner.headers)
    assert r.json()["pagination"]["total"] == 3

    # refunds: only the merchant (or an admin); partial up to the captured amount
    tid = txn["transactionId"]
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/refund", json={"amount": 10}, headers=user.headers),
        403,
        "FORBIDDEN",
    )
    r = await client.post(
        f"/api/v1/transactions/{tid}/refund",
        json={"amount": 5000.00, "reason": "partial_refund", "description": "Damaged item"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "PENDING" and r.json()["amount"] == 5000.0
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/refund", json={"amount": 5000.01}, headers=owner.headers),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    admin = await make_admin(client)
    r = await client.post(f"/api/v1/transactions/{tid}/refund", json={}, headers=admin.headers)
    assert r.status_code == 201 and r.json()["amount"] == 5000.0
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/refund", json={}, headers=owner.headers),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    await settle_due(client)
    r = await client.get(f"/api/v1/transactions/{tid}/refunds", headers=user.headers)
    body_r = r.json()
    assert body_r["summary"] == {"totalRefunded": 10000.0, "refundCount": 2}
    assert {x["status"] for x in body_r["refunds"]} == {"COMPLETED"}
    assert await _merchant_balance(client, merchant_id) == 500_00
    assert (await sandbox_of(client).ledger.check()).ok

    # receipts: signed, real PDF at a sandbox URL, email into the inbox
    other = (
        await client.get("/api/v1/transactions", params={"sortBy": "amount", "sortOrder": "asc"}, headers=user.headers)
    ).json()
    rid = other["transactions"][0]["transactionId"]
    r = await client.get(f"/api/v1/transactions/{rid}/receipt", params={"format": "pdf"}, headers=user.headers)
    assert r.status_code == 200, r.text
    receipt = r.json()
    assert receipt["digitalSignature"].startswith("sig_") and receipt["format"] == "pdf"
    pdf = await client.get(receipt["url"].replace("http://testserver.local", ""))
    assert (
        pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    )
    signed = (await client.get(receipt["url"].replace(".pdf", ".json").replace("http://testserver.local", ""))).json()
    key = (await client.get("/api/v1/receipts/signing-key", headers=user.headers)).json()["key"]
    canonical = json.dumps(signed["payload"], sort_keys=True, separators=(",", ":")).encode()
    assert receipt["digitalSignature"] == "sig_" + hmac.new(key.encode(), canonical, hashlib.sha256).hexdigest()
    assert_error(
        await client.get(f"/api/v1/transactions/{rid}/receipt", params={"format": "docx"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )
    r = await client.post(
        f"/api/v1/transactions/{rid}/receipt/generate",
        json={"format": "email", "recipient": "customer@example.com"},
        headers=user.headers,
    )
    assert r.status_code == 201 and r.json()["status"] == "SENT" and r.json()["receiptId"] == receipt["receiptId"]
    inbox = await sandbox_of(client).identity.inbox(to="customer@example.com")
    assert inbox and receipt["receiptId"] in inbox[0].body
    assert_error(
        await client.post(f"/api/v1/transactions/{rid}/receipt/generate", json={"format": "fax"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )
    assert_error(await client.get("/api/v1/receipts/rcpt-nope.pdf"), 404, "NOT_FOUND")


async def test_airtime(client: AsyncTestClient) -> None:
    r = await client.get("/api/v1/bills/airtime/providers")
    providers = r.json()["providers"]
    mtn = next(p for p in providers if p["providerId"] == "mtn")
    assert mtn["amountRange"] == {"min": 100.0, "max": 50000.0} and 1000.0 in mtn["denominations"]
    user = await register(client)
    await set_tier(client, user, 1)
    await deposit(client, user, 5000_00)
    post = lambda b: client.post("/api/v1/bills/airtime/topup", json=b, headers=user.headers)  # noqa: E731
    body = {"providerId": "mtn", "phoneNumber": "08012345678", "amount": 1000.00}
    r = await post(body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "SUCCESS" and r.json()["type"] == "airtime_topup"
    assert (await wallet_of(client, user))["balance"] == 4000.0
    assert_error(await post({**body, "amount": 50}), 400, "INVALID_REQUEST")
    assert_error(await post({**body, "amount": 60000}), 400, "INVALID_REQUEST")
    assert_error(await post({**body, "phoneNumber": "12345"}), 400, "INVALID_REQUEST")
    assert_error(await post({**body, "providerId": "nope"}), 404, "NOT_FOUND")
    assert_error(await post({**body, "amount": 5000}), 402, "INSUFFICIENT_FUNDS")
    assert_error(await post({**body, "phoneNumber": "08000000000"}), 400, "TRANSACTION_FAILED")
    assert (await wallet_of(client, user))["balance"] == 4000.0
    await settle_due(client)
    r = await client.get("/api/v1/bills/topups", params={"status": "SUCCESS"}, headers=user.headers)
    assert r.json()["pagination"]["total"] == 1 and r.json()["topups"][0]["phoneNumber"] == "08012345678"
    assert (await sandbox_of(client).ledger.check()).ok


async def test_concurrent_payments_and_refunds_never_overspend(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 3)
    await deposit(client, user, 10_000_00)
    body = {"amount": 3000, "currency": "NGN", "merchantId": merchant_id}
    results = await asyncio.gather(
        *(client.post("/api/v1/transactions", json=body, headers=user.headers) for _ in range(5))
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 201, 201, 402, 402], [r.text for r in results]
    assert (await wallet_of(client, user))["balance"] == 1000.0
    tid = next(r.json()["transactionId"] for r in results if r.status_code == 201)
    refunds = await asyncio.gather(
        *(client.post(f"/api/v1/transactions/{tid}/refund", json={}, headers=owner.headers) for _ in range(3))
    )
    assert sorted(r.status_code for r in refunds) == [201, 422, 422]
    await settle_due(client)
    assert (await wallet_of(client, user))["balance"] == 4000.0
    assert (await sandbox_of(client).ledger.check()).ok


async def test_card_decline_and_card_airtime(client: AsyncTestClient) -> None:
    _owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 2)
    declined = (
        await client.post(
            "/api/v1/payment-methods", json={**CARD_BODY, "cardNumber": "4000000000000002"}, headers=user.headers
        )
    ).json()
    r = await client.post(
        "/api/v1/transactions",
        json={
            "amount": 500,
            "currency": "NGN",
            "merchantId": merchant_id,
            "paymentMethodId": declined["paymentMethodId"],
        },
        headers=user.headers,
    )
    assert r.status_code == 201 and r.json()["status"] == "PROCESSING"
    await settle_due(client)
    detail = (await client.get(f"/api/v1/transactions/{r.json()['transactionId']}", headers=user.headers)).json()
    assert detail["status"] == "FAILED" and detail["processorResponse"]["status"] == "failed"
    assert detail["receipt"] is None
    assert await _merchant_balance(client, merchant_id) == 0
    bank = await client.post(
        "/api/v1/payment-methods",
        json={"type": "bank_account", "bankName": "GTBank", "accountNumber": "0123455678", "accountHolder": "J D"},
        headers=user.headers,
    )
    r = await client.post(
        "/api/v1/transactions",
        json={
            "amount": 500,
            "currency": "NGN",
            "merchantId": merchant_id,
            "paymentMethodId": bank.json()["paymentMethodId"],
        },
        headers=user.headers,
    )
    assert_error(r, 422, "UNPROCESSABLE_ENTITY")
    card = (await client.post("/api/v1/payment-methods", json=CARD_BODY, headers=user.headers)).json()
    r = await client.post(
        "/api/v1/bills/airtime/topup",
        json={
            "providerId": "airtel",
            "phoneNumber": "+2348012345678",
            "amount": 500,
            "paymentMethodId": card["paymentMethodId"],
        },
        headers=user.headers,
    )
    assert r.status_code == 201 and r.json()["status"] == "SUCCESS"
    assert (await wallet_of(client, user))["balance"] == 0.0
    assert (await sandbox_of(client).ledger.check()).ok
