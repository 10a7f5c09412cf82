"""Merchants: register, profile, settlement settings, admin KYC, dashboard with settlements, analytics."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import (
    approved_merchant,
    assert_error,
    deposit,
    make_admin,
    register,
    relogin,
    sandbox_of,
    set_tier,
    settle_due,
)

DAY = 86400


async def test_merchant_register_admin_kyc(client: AsyncTestClient) -> None:
    owner = await register(client)
    admin = await make_admin(client)
    body = {
        "businessName": "John's Store",
        "entityType": "sole_proprietor",
        "taxId": "12345678901",
        "industry": "retail",
        "bankAccount": {"bankCode": "044", "accountNumber": "1234567890", "accountHolder": "John Doe"},
    }
    r = await client.post("/api/v1/merchants/register", json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["kycStatus"] == "PENDING" and created["riskLevel"] == "medium"
    mid = created["merchantId"]
    assert_error(
        await client.post("/api/v1/merchants/register", json={**body, "entityType": "pirate"}, headers=owner.headers),
        400,
        "INVALID_REQUEST",
    )
    profile = (await client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)).json()
    assert profile["bankAccounts"][0]["accountNumber"] == "****7890"
    assert profile["settlementSettings"] == {
        "frequency": "daily",
        "minimumAmount": 1000.0,
        "settlementFeePercent": 0.5,
        "holdPeriodDays": 1,
    }
    assert profile["metrics"]["totalTransactions"] == 0
    stranger = await register(client)
    assert_error(await client.get(f"/api/v1/merchants/{mid}", headers=stranger.headers), 403, "FORBIDDEN")
    assert_error(await client.get("/api/v1/merchants/merchant-nope", headers=owner.headers), 404, "NOT_FOUND")
    r = await client.post(
        f"/api/v1/merchants/{mid}/settlement",
        json={"frequency": "weekly", "minimumAmount": 5000.00, "settlementFeePercent": 0.75, "holdPeriodDays": 2},
        headers=owner.headers,
    )
    assert r.status_code == 200 and r.json()["settlementSettings"]["frequency"] == "weekly"
    assert_error(
        await client.post(
            f"/api/v1/merchants/{mid}/settlement",
            json={"frequency": "hourly", "minimumAmount": 1, "settlementFeePercent": 1, "holdPeriodDays": 1},
            headers=owner.headers,
        ),
        400,
        "INVALID_REQUEST",
    )

    assert_error(await client.get("/api/v1/admin/merchants/pending-kyc", headers=owner.headers), 403, "FORBIDDEN")
    pending = (await client.get("/api/v1/admin/merchants/pending-kyc", headers=admin.headers)).json()
    assert [m["merchantId"] for m in pending["merchants"]] == [mid] and pending["pagination"]["total"] == 1
    r = await client.post(
        f"/api/v1/admin/merchants/{mid}/reject",
        json={"reason": "invalid_documents", "message": "Documents do not match"},
        headers=admin.headers,
    )
    assert r.status_code == 200 and r.json()["kycStatus"] == "REJECTED"
    assert_error(
        await client.post(f"/api/v1/admin/merchants/{mid}/approve", json={}, headers=owner.headers), 403, "FORBIDDEN"
    )
    r = await client.post(f"/api/v1/admin/merchants/{mid}/approve", json={"notes": "ok"}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["kycStatus"] == "APPROVED"
    assert_error(
        await client.post(f"/api/v1/admin/merchants/{mid}/approve", json={}, headers=admin.headers), 409, "CONFLICT"
    )
    assert (await client.get("/api/v1/admin/merchants/pending-kyc", headers=admin.headers)).json()["merchants"] == []


async def test_dashboard_settlement_and_analytics(client: AsyncTestClient) -> None:
    owner, mid = await approved_merchant(client)
    customer = await register(client)
    await set_tier(client, customer, 2)
    await deposit(client, customer, 100_000_00)
    for product, value in (("Product A", 20000), ("Product A", 10000), ("Product B", 5000)):
        r = await client.post(
            "/api/v1/transactions",
            json={"amount": value, "currency": "NGN", "merchantId": mid, "metadata": {"product": product}},
            headers=customer.headers,
        )
        assert r.status_code == 201, r.text
    board = (await client.get(f"/api/v1/merchants/{mid}/dashboard", headers=owner.headers)).json()
    assert board["metrics"]["totalTransactions"] == 3 and board["metrics"]["totalVolume"] == 35000.0
    assert board["metrics"]["averageTransactionAmount"] == round(35000 / 3, 2)
    assert board["topProducts"][0] == {"name": "Product A", "transactionCount": 2, "totalAmount": 30000.0}
    assert board["settlements"]["pendingAmount"] == 35000.0
    assert board["settlements"]["nextSettlementAmount"] == 0.0  # still inside the 1-day hold period
    # Two days later the daily settlement has paid out the balance less the 0.5% fee.
    await settle_due(client, 2 * DAY + 60)
    owner = await relogin(client, owner)
    board = (await client.get(f"/api/v1/merchants/{mid}/dashboard", headers=owner.headers)).json()
    assert board["settlements"]["totalSettled"] == 35000.0 - 175.0
    assert board["settlements"]["pendingAmount"] == 0.0
    analytics = (
        await client.get(
            f"/api/v1/merchants/{mid}/analytics",
            params={"startDate": "2000-01-01", "groupBy": "weekly"},
            headers=owner.headers,
        )
    ).json()
    assert analytics["summary"]["totalTransactions"] == 3 and analytics["summary"]["successRate"] == 100.0
    assert sum(m["transactionCount"] for m in analytics["dailyMetrics"]) == 3
    assert analytics["topCustomers"] == [{"customerId": customer.uuid, "transactionCount": 3, "totalSpent": 35000.0}]
    assert_error(
        await client.get(f"/api/v1/merchants/{mid}/analytics", params={"groupBy": "hourly"}, headers=owner.headers),
        400,
        "INVALID_REQUEST",
    )
    assert (await sandbox_of(client).ledger.check()).ok
