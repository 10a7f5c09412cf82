"""Remittances end to end: disclosure -> remittance (processing) -> bank settles -> completed, exact money."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.core.money import convert
from app.runtime import Sandbox
from app.settings import Settings
from tests.contract.drop.conftest import PASSWORD, DropClient, SessionFactory, person

RECIPIENT = {"name": "Mama Jasmina", "country": "RS", "currency": "RSD", "bankAccount": "RS35105008123123123173"}


async def add_recipient(s: DropClient, **overrides: str) -> dict:
    resp = await s.http.post("/api/recipients", json={**RECIPIENT, **overrides})
    assert resp.status_code == 201, resp.text
    return resp.json()["data"]


async def settle_due(sandbox: Sandbox, seconds: float = 5) -> None:
    sandbox.clock.advance(seconds)
    await sandbox.scheduler.run_due()


async def balance_of(s: DropClient) -> float:
    me = await s.http.get("/api/auth/me")
    assert me.status_code == 200
    return me.json()["data"]["bankAccounts"][0]["balance"]


async def test_remittance_end_to_end_exact(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    sandbox = s.sandbox
    rate = await sandbox.ledger.fx.peek("NOK", "RSD")
    expected_receive = convert(200000, "NOK", "RSD", rate)

    disclosure = await s.http.post(
        "/api/transactions/disclosure", json={"type": "remittance", "amount": 2000, "recipientId": recipient["id"]}
    )
    assert disclosure.status_code == 200, disclosure.text
    assert disclosure.json() == {
        "amount": 2000.0,
        "fee": 10.0,
        "feePercentage": 0.5,
        "exchangeRate": float(rate),
        "receiveAmount": float(Decimal(expected_receive) / 100),
        "receiveCurrency": "RSD",
        "estimatedDelivery": "2-4 business days",
        "totalCost": 2010.0,
    }

    resp = await s.http.post("/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": 2000})
    assert resp.status_code == 201, resp.text
    tx = resp.json()["data"]
    assert tx["id"].startswith("tx_rem_")
    assert {k: tx[k] for k in ("type", "status", "sendAmount", "sendCurrency", "fee", "feePercent", "total")} == {
        "type": "remittance",
        "status": "processing",
        "sendAmount": 2000.0,
        "sendCurrency": "NOK",
        "fee": 10.0,
        "feePercent": 0.5,
        "total": 2010.0,
    }
    assert tx["receiveAmount"] == float(Decimal(expected_receive) / 100) and tx["receiveCurrency"] == "RSD"
    assert tx["recipientName"] == "Mama Jasmina" and tx["recipientCountry"] == "Serbia"
    assert tx["eta"] == "2-4 business days" and tx["exchangeRate"] == float(rate)
    assert await balance_of(s) == 50000.0 - 2010.0

    processing = await s.http.get(f"/api/transactions/{tx['id']}/receipt")
    assert processing.json()["data"]["status"] == "processing"
    assert processing.json()["data"]["estimatedCompletion"] == "2-4 business days"

    await settle_due(sandbox)
    detail = (await s.http.get(f"/api/transactions/{tx['id']}")).json()["data"]
    assert detail["status"] == "completed" and detail["completedAt"] is not None
    assert detail["total"] == 2010.0 and detail["fee"] == 10.0
    receipt = (await s.http.get(f"/api/transactions/{tx['id']}/receipt")).json()["data"]
    assert receipt["status"] == "completed" and receipt["recipient"] == {"name": "Mama Jasmina", "country": "RS"}
    assert receipt["reference"] == tx["id"] and receipt["estimatedCompletion"] is None
    assert await balance_of(s) == 47990.0

    notes = (await s.http.get("/api/notifications")).json()["data"]
    assert [n["type"] for n in notes] == ["remittance_completed"] and notes[0]["reference"] == tx["id"]

    fees = await sandbox.ledger.system_account("fees", "NOK")
    assert (await sandbox.ledger.balance(fees.id)).balance == 1000
    payout = await sandbox.ledger.system_account("settlement", "RSD")
    assert (await sandbox.ledger.balance(payout.id)).balance == expected_receive
    suspense = await sandbox.ledger.system_account("suspense", "NOK")
    assert (await sandbox.ledger.balance(suspense.id)).balance == 0
    assert (await sandbox.ledger.check()).ok

    listing = (await s.http.get("/api/transactions")).json()
    assert listing["pagination"] == {"page": 1, "limit": 20, "total": 1, "totalPages": 1}
    assert listing["data"][0]["amount"] == -2000.0 and listing["data"][0]["recipientName"] == "Mama Jasmina"
    summary = (await s.http.get("/api/transactions/summary")).json()["data"]
    assert summary["allTime"] == {
        "totalCount": 1,
        "totalSent": 2000.0,
        "totalPaid": 0.0,
        "remittanceCount": 1,
        "qrPaymentCount": 0,
    }
    assert summary["thisMonth"] == summary["allTime"]


async def test_failed_remittance_refunds_principal_and_fee(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s, country="PL", currency="PLN", bankAccount="PL61109010140000071219812874")
    # The bank simulator's magic amount ending .13 fails with "Payment timeout".
    resp = await s.http.post("/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": 500.13})
    assert resp.status_code == 201, resp.text
    tx = resp.json()["data"]
    assert ".13" in resp.headers["x-sandbox-explain"]
    assert tx["eta"] == "1-2 business days" and tx["fee"] == 2.5
    assert await balance_of(s) == 50000.0 - 502.63
    await settle_due(s.sandbox)
    detail = (await s.http.get(f"/api/transactions/{tx['id']}")).json()["data"]
    assert detail["status"] == "failed" and detail["completedAt"] is None
    assert await balance_of(s) == 50000.0
    notes = (await s.http.get("/api/notifications")).json()["data"]
    assert notes[0]["type"] == "remittance_failed" and "Payment timeout" in notes[0]["message"]
    summary = (await s.http.get("/api/transactions/summary")).json()["data"]
    assert summary["allTime"]["totalCount"] == 0
    assert (await s.sandbox.ledger.check()).ok


async def test_remittance_errors(new_session: SessionFactory) -> None:
    s = await new_session()
    recipient = await add_recipient(s)
    url = "/api/transactions/remittance"
    kyc = await s.http.post(url, json={"recipientId": recipient["id"], "amount": 200})
    assert kyc.status_code == 403 and kyc.json()["error"] == "kyc_required"
    await s.approve_kyc()
    cases = [
        ({"amount": 200}, 400, "bad_request"),
        ({"recipientId": recipient["id"]}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": 99.99}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": 50000.01}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": 100.001}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": "200"}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": True}, 400, "bad_request"),
        ({"recipientId": recipient["id"], "amount": 200, "currency": "EUR"}, 422, "validation_error"),
        ({"recipientId": "rcp_0000000000000000", "amount": 200}, 404, "not_found"),
        ({"recipientId": recipient["id"], "amount": 200, "bankAccountId": "ba_999999"}, 404, "not_found"),
    ]
    for body, status, code in cases:
        resp = await s.http.post(url, json=body)
        assert (resp.status_code, resp.json()["error"]) == (status, code), (body, resp.text)
    # Someone else's recipient is not found.
    other = await new_session()
    await other.approve_kyc()
    theirs = await other.http.post(url, json={"recipientId": recipient["id"], "amount": 200})
    assert theirs.status_code == 404
    # 50,000 + 0.5% fee is more than the 50,000 NOK opening balance.
    broke = await s.http.post(url, json={"recipientId": recipient["id"], "amount": 50000})
    assert broke.status_code == 402 and broke.json()["error"] == "insufficient_balance"
    assert await balance_of(s) == 50000.0
    listing = (await s.http.get("/api/transactions")).json()
    assert listing["pagination"]["total"] == 0
    assert (await s.sandbox.ledger.check()).ok


async def test_x_request_id_makes_a_retry_return_the_first_result(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    body = {"recipientId": recipient["id"], "amount": 1000}
    headers = {"X-Request-ID": "retry-me-1"}
    first = await s.http.post("/api/transactions/remittance", json=body, headers=headers)
    second = await s.http.post("/api/transactions/remittance", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["x-request-id"] == "retry-me-1"
    assert await balance_of(s) == 50000.0 - 1005.0
    differs = await s.http.post("/api/transactions/remittance", json={**body, "amount": 1001}, headers=headers)
    assert differs.status_code == 409 and differs.json()["error"] == "idempotency_mismatch"
    assert [d["field"] for d in differs.json()["details"]] == ["amount"]
    assert (await s.http.get("/api/transactions")).json()["pagination"]["total"] == 1
    assert (await s.sandbox.ledger.check()).ok


async def test_processing_remittance_survives_a_restart(settings: Settings) -> None:
    body = person()
    async with AsyncTestClient(app=create_app(settings)) as first:
        assert (await first.post("/api/auth/register", json=body)).status_code == 201
        sandbox = first.app.state.registry.default
        user = await sandbox.identity.by_email(body["email"])
        await sandbox.identity.set_kyc(user.id, "approved", 2)
        recipient = (await first.post("/api/recipients", json=RECIPIENT)).json()["data"]
        resp = await first.post("/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": 700})
        tx = resp.json()["data"]
        assert tx["status"] == "processing"
    async with AsyncTestClient(app=create_app(settings)) as second:
        sandbox = second.app.state.registry.default
        login = await second.post("/api/auth/login", json={"email": body["email"], "password": PASSWORD})
        assert login.status_code == 200
        await settle_due(sandbox, 10)
        detail = (await second.get(f"/api/transactions/{tx['id']}")).json()["data"]
        assert detail["status"] == "completed"
        me = (await second.get("/api/auth/me")).json()["data"]
        assert me["totalBalance"] == 50000.0 - 703.5
        assert (await sandbox.ledger.check()).ok


async def test_concurrent_retries_of_one_remittance_post_once(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    body = {"recipientId": recipient["id"], "amount": 1234.56}
    results = await asyncio.gather(
        *[s.http.post("/api/transactions/remittance", json=body, headers={"X-Request-ID": "same"}) for _ in range(8)]
    )
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["data"]["id"] for r in results}) == 1
    assert await balance_of(s) == 50000.0 - 1240.73
    await settle_due(s.sandbox)
    assert (await s.http.get("/api/transactions?status=completed")).json()["pagination"]["total"] == 1
    assert await balance_of(s) == 50000.0 - 1240.73
    assert (await s.sandbox.ledger.check()).ok
