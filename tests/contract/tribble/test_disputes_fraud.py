"""Disputes from creation to refund (ledger balances exact), fraud risk score and analytics."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import (
    approved_merchant,
    assert_error,
    deposit,
    make_admin,
    merchant_account,
    register,
    relogin,
    sandbox_of,
    set_tier,
    settle_due,
    wallet_of,
)


async def _paid(client: AsyncTestClient, merchant_id: str, amount: float = 10000.0):  # type: ignore[no-untyped-def]
    user = await register(client)
    await set_tier(client, user, 2)
    await deposit(client, user, 50_000_00)
    r = await client.post(
        "/api/v1/transactions",
        json={"amount": amount, "currency": "NGN", "merchantId": merchant_id, "metadata": {"product": "Shoes"}},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    return user, r.json()["transactionId"]


async def test_dispute_approved_refunds_exactly(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    admin = await make_admin(client)
    user, tid = await _paid(client, merchant_id)
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/dispute", json={"reason": "nope"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/dispute", json={"reason": "other"}, headers=owner.headers),
        403,
        "FORBIDDEN",
    )
    r = await client.post(
        f"/api/v1/transactions/{tid}/dispute",
        json={"reason": "product_not_received", "description": "I did not receive the ordered items"},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    dispute = r.json()
    assert dispute["status"] == "OPEN" and dispute["amount"] == 10000.0
    assert dispute["message"] == "Dispute created successfully. Merchant has 10 days to respond."
    merchant = await merchant_account(client, merchant_id)
    assert merchant.balance == 10000_00 and merchant.available == 0  # funds held from the merchant
    assert_error(
        await client.post(f"/api/v1/transactions/{tid}/dispute", json={"reason": "other"}, headers=user.headers),
        409,
        "CONFLICT",
    )
    did = dispute["disputeId"]
    files = [("files", ("a.jpg", b"x" * 1000, "image/jpeg")), ("files", ("b.png", b"y" * 2000, "image/png"))]
    r = await client.post(
        f"/api/v1/disputes/{did}/evidence", files=files, data={"description": "Screenshots"}, headers=user.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["evidenceCount"] == 2 and r.json()["totalFileSize"] == 3000
    assert_error(
        await client.post(f"/api/v1/disputes/{did}/evidence", data={"x": "1"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )
    detail = (await client.get(f"/api/v1/disputes/{did}", headers=owner.headers)).json()
    assert detail["status"] == "INVESTIGATING" and len(detail["evidence"]) == 2 and detail["resolution"] is None
    assert detail["investigation"]["merchantResponseDeadline"] and detail["customerId"] == user.uuid
    file_url = detail["evidence"][0]["fileUrl"].replace("http://testserver.local", "")
    assert (await client.get(file_url, headers=user.headers)).content in (b"x" * 1000, b"y" * 2000)
    stranger = await register(client)
    assert_error(await client.get(f"/api/v1/disputes/{did}", headers=stranger.headers), 404, "NOT_FOUND")

    assert_error(
        await client.put(f"/api/v1/disputes/{did}/resolution", json={"resolution": "APPROVED"}, headers=user.headers),
        403,
        "FORBIDDEN",
    )
    r = await client.put(
        f"/api/v1/disputes/{did}/resolution",
        json={"resolution": "APPROVED", "refundAmount": 7500.00, "notes": "Not delivered"},
        headers=admin.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "RESOLVED" and r.json()["refundAmount"] == 7500.0 and r.json()["refundId"]
    assert (await wallet_of(client, user))["balance"] == 50000.0 - 10000.0 + 7500.0
    merchant = await merchant_account(client, merchant_id)
    assert merchant.balance == 2500_00 and merchant.available == 2500_00 and merchant.pending_debit == 0
    assert_error(
        await client.put(f"/api/v1/disputes/{did}/resolution", json={"resolution": "REJECTED"}, headers=admin.headers),
        409,
        "CONFLICT",
    )
    refunds = (await client.get(f"/api/v1/transactions/{tid}/refunds", headers=user.headers)).json()
    assert refunds["summary"]["totalRefunded"] == 7500.0
    assert (await sandbox_of(client).ledger.check()).ok


async def test_dispute_rejected_and_expired(client: AsyncTestClient) -> None:
    _owner, merchant_id = await approved_merchant(client)
    admin = await make_admin(client)
    user, tid = await _paid(client, merchant_id)
    r = await client.post(f"/api/v1/transactions/{tid}/dispute", json={"reason": "duplicate"}, headers=user.headers)
    did = r.json()["disputeId"]
    r = await client.put(f"/api/v1/disputes/{did}/resolution", json={"resolution": "REJECTED"}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["resolution"] == "REJECTED"
    merchant = await merchant_account(client, merchant_id)
    assert merchant.available == 10000_00
    user2, tid2 = await _paid(client, merchant_id, 500)
    await settle_due(client, 121 * 86400)
    await relogin(client, user2)
    err = assert_error(
        await client.post(f"/api/v1/transactions/{tid2}/dispute", json={"reason": "other"}, headers=user2.headers),
        400,
        "DISPUTE_EXPIRED",
    )
    assert err["details"]["windowDays"] == 120
    assert (await sandbox_of(client).ledger.check()).ok


async def test_risk_score_and_fraud_analytics(client: AsyncTestClient) -> None:
    _owner, merchant_id = await approved_merchant(client)
    admin = await make_admin(client)
    user, tid = await _paid(client, merchant_id, 1000)
    r = await client.get(f"/api/v1/transactions/{tid}/risk-score", headers=user.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["riskLevel"] == "LOW" and body["decision"] == "ALLOW" and body["modelVersion"] == "1.2.1"
    assert [f["name"] for f in body["riskFactors"]] == [
        "Amount Deviation",
        "Device Mismatch",
        "Velocity Check",
        "Geographic Anomaly",
        "IP Reputation",
    ]
    assert body["riskFactors"][0]["weight"] == 0.15
    risky = {**user.headers, "X-Device-Id": "new-device", "X-Forwarded-For": "198.51.100.9", "X-Country": "US"}
    r = await client.post(
        "/api/v1/transactions", json={"amount": 20000, "currency": "NGN", "merchantId": merchant_id}, headers=risky
    )
    assert_error(r, 403, "FRAUD_BLOCK")
    assert_error(await client.get("/api/v1/admin/fraud/analytics", headers=user.headers), 403, "FORBIDDEN")
    r = await client.get("/api/v1/admin/fraud/analytics", params={"groupBy": "daily"}, headers=admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["totalTransactions"] == 2 and body["summary"]["blockedTransactions"] == 1
    assert body["summary"]["fraudRate"] == 50.0 and sum(body["riskLevelDistribution"].values()) == 2
    assert {f["factor"] for f in body["topFraudFactors"]} >= {"IP Reputation", "Device Mismatch"}
    assert_error(
        await client.get("/api/v1/admin/fraud/analytics", params={"groupBy": "hourly"}, headers=admin.headers),
        400,
        "INVALID_REQUEST",
    )


async def test_risk_scores_against_running_totals_that_match_the_history(client: AsyncTestClient) -> None:
    """The amount factor reads per-payer running totals (migration 0805): they equal the history's aggregate."""
    _owner, merchant_id = await approved_merchant(client)
    user, _tid = await _paid(client, merchant_id, 1000)
    for amount in (1000, 1000):
        r = await client.post(
            "/api/v1/transactions",
            json={"amount": amount, "currency": "NGN", "merchantId": merchant_id},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text
    # Average 1000.00 NGN over three payments: 3,000.00 is 3.0x, the MEDIUM band of the amount factor.
    r = await client.post(
        "/api/v1/transactions",
        json={"amount": 3000, "currency": "NGN", "merchantId": merchant_id},
        headers=user.headers,
    )
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/transactions/{r.json()['transactionId']}/risk-score", headers=user.headers)
    factor = next(f for f in r.json()["riskFactors"] if f["name"] == "Amount Deviation")
    assert factor["explanation"] == "Amount is 3.0x user average transaction", factor
    db = sandbox_of(client).db
    totals = await db.fetchall("SELECT user_id, currency, payments, amount FROM tribble_risk_totals ORDER BY 1, 2")
    history = await db.fetchall(
        "SELECT customer_user_id, currency, count(*), sum(amount) FROM tribble_transactions"
        " WHERE kind = 'payment' AND status IN ('SUCCESS', 'PROCESSING') GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert [tuple(r) for r in totals if r[2]] == [tuple(r) for r in history]
    assert any(r[0] == user.id and r[2] == 4 and r[3] == 6000_00 for r in totals), totals
