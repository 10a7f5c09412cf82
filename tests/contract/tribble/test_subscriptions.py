"""Subscriptions: a life over three billing periods on the sandbox clock, dunning, metrics."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.core.clock import parse_iso
from tests.contract.tribble.conftest import (
    TUser,
    approved_merchant,
    assert_error,
    deposit,
    register,
    relogin,
    sandbox_of,
    settle_due,
    wallet_of,
)
from tests.contract.tribble.test_wallets_cards import CARD_BODY

DAY = 86400


def _one_month_after(when: datetime) -> datetime:
    """The same day next month, clamped to its last day (the 31st renews on Feb 28 or 29, Apr 30, ...)."""
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


async def _metrics(client: AsyncTestClient, owner: TUser, merchant_id: str) -> dict[str, Any]:
    """The merchant's subscription metrics since 2000 (the owner logs in afresh)."""
    r = await client.get(
        f"/api/v1/merchants/{merchant_id}/subscription-metrics",
        params={"startDate": "2000-01-01"},
        headers=(await relogin(client, owner)).headers,
    )
    return r.json()["metrics"]  # type: ignore[no-any-return]


async def _plan(client: AsyncTestClient, owner, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "planName": "Premium Weekly",
        "planDescription": "Premium subscription plan with unlimited access",
        "amount": 999.00,
        "currency": "NGN",
        "billingFrequency": "weekly",
        "trialPeriodDays": 7,
        "setupFee": 100,
        "maxCharges": None,
        **overrides,
    }
    r = await client.post("/api/v1/subscription-plans", json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_subscription_three_periods(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    plan = await _plan(client, owner)
    assert plan["status"] == "ACTIVE" and plan["billingFrequency"] == "weekly"
    detail = (await client.get(f"/api/v1/subscription-plans/{plan['planId']}", headers=owner.headers)).json()
    assert detail["merchantId"] == merchant_id and detail["trialPeriodDays"] == 7 and detail["setupFee"] == 100.0
    assert_error(await client.get("/api/v1/subscription-plans/plan-nope", headers=owner.headers), 404, "NOT_FOUND")
    customer = await register(client)
    assert_error(
        await client.post(
            "/api/v1/subscription-plans",
            json={"planName": "x", "amount": 1, "currency": "NGN", "billingFrequency": "weekly"},
            headers=customer.headers,
        ),
        403,
        "FORBIDDEN",
    )
    await deposit(client, customer, 5000_00)
    r = await client.post("/api/v1/subscriptions", json={"planId": plan["planId"]}, headers=customer.headers)
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["status"] == "ACTIVE" and sub["chargeCount"] == 0 and sub["trialEndDate"] == sub["nextChargeDate"]
    assert sub["message"] == "Subscription activated successfully. Trial period: 7 days"
    assert (await wallet_of(client, customer))["balance"] == 4900.0  # setup fee
    assert_error(
        await client.post("/api/v1/subscriptions", json={"planId": plan["planId"]}, headers=customer.headers),
        409,
        "SUBSCRIPTION_ACTIVE",
    )
    sid = sub["subscriptionId"]
    for period in range(1, 4):
        await settle_due(client, 7 * DAY)
        await relogin(client, customer)
        got = (await client.get(f"/api/v1/subscriptions/{sid}", headers=customer.headers)).json()
        assert got["chargeCount"] == period, got
    assert (await wallet_of(client, customer))["balance"] == 4900.0 - 3 * 999.0
    assert [c["status"] for c in got["charges"]] == ["SUCCEEDED"] * 4  # setup + 3 renewals
    assert got["lastChargeAmount"] == 999.0
    events = await sandbox_of(client).events.log(type="subscription:charged")
    assert len(events) == 3 and events[-1].data["status"] == "SUCCEEDED"

    r = await client.put(f"/api/v1/subscriptions/{sid}/pause", json={"reason": "Holiday"}, headers=customer.headers)
    assert r.status_code == 200 and r.json()["status"] == "PAUSED"
    await settle_due(client, 7 * DAY)
    await relogin(client, customer)
    assert (await client.get(f"/api/v1/subscriptions/{sid}", headers=customer.headers)).json()["chargeCount"] == 3
    r = await client.put(f"/api/v1/subscriptions/{sid}/resume", headers=customer.headers)
    assert r.status_code == 200 and r.json()["status"] == "ACTIVE"
    listed = (await client.get(f"/api/v1/customers/{customer.uuid}/subscriptions", headers=customer.headers)).json()
    assert listed["summary"]["activeCount"] == 1 and listed["summary"]["totalMRR"] == round(999 * 52 / 12, 2)
    r = await client.put(
        f"/api/v1/subscriptions/{sid}/cancel", json={"reason": "No longer need it"}, headers=customer.headers
    )
    assert r.json()["status"] == "CANCELLED" and r.json()["cancelledReason"] == "No longer need it"
    assert_error(
        await client.put(f"/api/v1/subscriptions/{sid}/resume", headers=customer.headers), 422, "UNPROCESSABLE_ENTITY"
    )
    metrics = await _metrics(client, owner, merchant_id)
    assert metrics["newSubscriptions"] == 1 and metrics["cancelledSubscriptions"] == 1
    assert metrics["trialConversions"] == 1 and metrics["trialConversionRate"] == 100.0
    assert (await sandbox_of(client).ledger.check()).ok


async def test_max_charges_beyond_64_bits_is_a_400(client: AsyncTestClient) -> None:
    owner, _ = await approved_merchant(client)
    body = {"planName": "Huge", "amount": 1, "currency": "NGN", "billingFrequency": "weekly", "maxCharges": 2**63}
    resp = await client.post("/api/v1/subscription-plans", json=body, headers=owner.headers)  # was a 500
    assert_error(resp, 400, "INVALID_REQUEST")
    assert (await _plan(client, owner, maxCharges=2**63 - 1))["status"] == "ACTIVE"


async def test_failed_charge_is_retried_and_recovered(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    plan = await _plan(client, owner, trialPeriodDays=0, setupFee=0, billingFrequency="monthly", amount=1000)
    customer = await register(client)
    await deposit(client, customer, 1000_00)
    r = await client.post(
        "/api/v1/subscriptions", json={"planId": plan["planId"], "paymentMethodId": "wallet"}, headers=customer.headers
    )
    assert r.status_code == 201 and r.json()["chargeCount"] == 1  # first period charged at enrolment
    sid = r.json()["subscriptionId"]
    assert (await wallet_of(client, customer))["balance"] == 0.0
    enrolled = sandbox_of(client).clock.now()
    renewal = _one_month_after(enrolled)
    assert r.json()["nextChargeDate"] == renewal.date().isoformat()
    await settle_due(client, (renewal - enrolled).total_seconds() + 3600)  # the renewal fails: empty wallet
    sub = (await client.get(f"/api/v1/subscriptions/{sid}", headers=(await relogin(client, customer)).headers)).json()
    assert sub["status"] == "PAST_DUE" and sub["charges"][-1]["status"] == "FAILED"
    await deposit(client, customer, 1000_00)
    await settle_due(client, DAY)  # the first dunning retry (a day later) succeeds
    sub = (await client.get(f"/api/v1/subscriptions/{sid}", headers=(await relogin(client, customer)).headers)).json()
    assert sub["status"] == "ACTIVE" and sub["chargeCount"] == 2 and sub["charges"][-1]["attemptCount"] == 2
    metrics = await _metrics(client, owner, merchant_id)
    assert metrics["failedCharges"] == 1 and metrics["recoveredCharges"] == 1 and metrics["recoveryRate"] == 100.0
    assert metrics["mrr"] == 1000.0 and metrics["arr"] == 12000.0

    card_user = await register(client)
    declined = (
        await client.post(
            "/api/v1/payment-methods", json={**CARD_BODY, "cardNumber": "4000000000009995"}, headers=card_user.headers
        )
    ).json()
    r = await client.post(
        "/api/v1/subscriptions",
        json={"planId": plan["planId"], "paymentMethodId": declined["paymentMethodId"]},
        headers=card_user.headers,
    )
    assert r.status_code == 201 and r.json()["status"] == "PAST_DUE"
    assert (await sandbox_of(client).ledger.check()).ok


@pytest.mark.parametrize(
    ("enrolled", "renewals"),
    [
        ("2027-01-31T09:00:00Z", ["2027-02-28", "2027-03-31", "2027-04-30"]),
        ("2028-01-31T09:00:00Z", ["2028-02-29", "2028-03-31", "2028-04-30"]),
        ("2026-12-31T23:59:30Z", ["2027-01-31", "2027-02-28", "2027-03-31"]),
    ],
)
async def test_monthly_renewals_keep_the_31st(client: AsyncTestClient, enrolled: str, renewals: list[str]) -> None:
    """Enrolled on the 31st: renewed on the last day of shorter months and on the 31st again after them."""
    clock = sandbox_of(client).clock
    clock.freeze()
    clock.set(parse_iso(enrolled))
    owner, _ = await approved_merchant(client)
    plan = await _plan(client, owner, trialPeriodDays=0, setupFee=0, billingFrequency="monthly", amount=10)
    customer = await register(client)
    await deposit(client, customer, 1000_00)
    r = await client.post("/api/v1/subscriptions", json={"planId": plan["planId"]}, headers=customer.headers)
    assert r.status_code == 201 and r.json()["chargeCount"] == 1, r.text
    sid = r.json()["subscriptionId"]
    seen = [r.json()["nextChargeDate"]]
    time_of_day = parse_iso(enrolled) - parse_iso(enrolled[:10])
    for count in range(2, 4):
        due = parse_iso(seen[-1]) + time_of_day
        await settle_due(client, due - clock.time() + 60)
        sub = (
            await client.get(f"/api/v1/subscriptions/{sid}", headers=(await relogin(client, customer)).headers)
        ).json()
        assert sub["chargeCount"] == count and sub["status"] == "ACTIVE", sub
        seen.append(sub["nextChargeDate"])
    assert seen == renewals
    assert (await sandbox_of(client).ledger.check()).ok
