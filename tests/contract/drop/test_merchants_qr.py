"""Merchants and QR payments: register (role merchant, QR URI), pay (1% fee, instant), dashboard, lists."""

from __future__ import annotations

import asyncio

from tests.contract.drop.conftest import DropClient, SessionFactory

MERCHANT = {"businessName": "Ahmetov Kebab", "orgNumber": "912345678", "bankAccount": "1503.10.00012"}


async def register_merchant(s: DropClient, **overrides: str) -> dict:
    resp = await s.http.post(
        "/api/merchants/register", json={**MERCHANT, "address": "Storgata 1, 0155 Oslo", **overrides}
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["data"]


async def test_merchant_register_and_errors(new_session: SessionFactory) -> None:
    m = await new_session()
    not_yet = await m.http.get("/api/merchants/qr")
    assert not_yet.status_code == 403 and not_yet.json()["error"] == "forbidden"
    bad = await m.http.post("/api/merchants/register", json={"businessName": "<b>x</b>", "orgNumber": "12345"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["details"]} == {"businessName", "orgNumber", "bankAccount"}
    merchant = await register_merchant(m)
    assert merchant["id"].startswith("mer_") and merchant["role"] == "merchant"
    assert merchant["qrValue"] == f"drop://pay/{merchant['id']}"
    assert merchant["bankAccount"] == "*****0012"
    again = await m.http.post("/api/merchants/register", json={**MERCHANT, "orgNumber": "999999999"})
    assert again.status_code == 409
    other = await new_session()
    dup = await other.http.post("/api/merchants/register", json=MERCHANT)
    assert dup.status_code == 409 and dup.json()["error"] == "conflict"
    qr = (await m.http.get("/api/merchants/qr")).json()["data"]
    assert qr == {
        "merchantId": merchant["id"],
        "businessName": "Ahmetov Kebab",
        "qrValue": f"drop://pay/{merchant['id']}",
        "address": "Storgata 1, 0155 Oslo",
    }
    refreshed = await m.http.post("/api/auth/refresh")
    assert refreshed.json()["data"]["role"] == "merchant"


async def test_qr_payment_is_instant_with_one_percent_fee(new_session: SessionFactory) -> None:
    m = await new_session()
    merchant = await register_merchant(m)
    payer = await new_session(firstName="Ola", lastName="Nordmann")
    resp = await payer.http.post("/api/transactions/qr-payment", json={"merchantId": merchant["id"], "amount": 129})
    assert resp.status_code == 201, resp.text
    tx = resp.json()["data"]
    assert tx["id"].startswith("tx_qr_")
    assert {k: v for k, v in tx.items() if k not in ("id", "createdAt", "fromAccount")} == {
        "type": "qr_payment",
        "status": "completed",
        "amount": 129.0,
        "currency": "NOK",
        "fee": 1.29,
        "feePercent": 1.0,
        "merchantName": "Ahmetov Kebab",
        "merchantId": merchant["id"],
    }
    me = (await payer.http.get("/api/auth/me")).json()["data"]
    assert me["totalBalance"] == 50000.0 - 130.29
    detail = (await payer.http.get(f"/api/transactions/{tx['id']}")).json()["data"]
    assert detail["status"] == "completed" and detail["total"] == 130.29
    receipt = (await payer.http.get(f"/api/transactions/{tx['id']}/receipt")).json()["data"]
    assert receipt["merchant"] == {"name": "Ahmetov Kebab", "country": None} and receipt["recipient"] is None
    # The merchant sees it (customer name anonymised) and is notified.
    listing = (await m.http.get("/api/merchants/transactions")).json()
    assert listing["pagination"]["total"] == 1
    assert listing["data"][0]["customerName"] == "Ola N." and listing["data"][0]["amount"] == 129.0
    dashboard = (await m.http.get("/api/merchants/dashboard")).json()["data"]
    assert dashboard["period"] == "today" and dashboard["transactionCount"] == 1
    assert dashboard["revenue"] == 129.0 and dashboard["fees"] == 1.29 and dashboard["nextPayout"] == 129.0
    for period in ("week", "month"):
        assert (await m.http.get(f"/api/merchants/dashboard?period={period}")).json()["data"]["revenue"] == 129.0
    assert (await m.http.get("/api/merchants/dashboard?period=year")).status_code == 400
    notes = (await m.http.get("/api/notifications")).json()["data"]
    assert notes[0]["type"] == "payment_received" and "Ola N." in notes[0]["message"]
    summary = (await payer.http.get("/api/transactions/summary")).json()["data"]["allTime"]
    assert summary["totalPaid"] == 129.0 and summary["qrPaymentCount"] == 1
    assert (await payer.sandbox.ledger.check()).ok


async def test_qr_payment_errors(new_session: SessionFactory) -> None:
    m = await new_session()
    merchant = await register_merchant(m)
    payer = await new_session()
    url = "/api/transactions/qr-payment"
    for body, status in [
        ({"amount": 10}, 400),
        ({"merchantId": merchant["id"]}, 400),
        ({"merchantId": merchant["id"], "amount": 0.99}, 400),
        ({"merchantId": merchant["id"], "amount": 100000.01}, 400),
        ({"merchantId": merchant["id"], "amount": 1.234}, 400),
        ({"merchantId": "mer_0000000000000000", "amount": 10}, 404),
    ]:
        resp = await payer.http.post(url, json=body)
        assert resp.status_code == status, (body, resp.text)
    own = await m.http.post(url, json={"merchantId": merchant["id"], "amount": 10})
    assert own.status_code == 400
    broke = await payer.http.post(url, json={"merchantId": merchant["id"], "amount": 50000})
    assert broke.status_code == 402 and broke.json()["error"] == "insufficient_balance"
    assert (await payer.http.get("/api/transactions")).json()["pagination"]["total"] == 0


async def test_concurrent_payments_never_overdraw_and_retries_post_once(new_session: SessionFactory) -> None:
    m = await new_session()
    merchant = await register_merchant(m)
    payer = await new_session()
    url = "/api/transactions/qr-payment"
    # 12 payments of 5,000 NOK + 1% fee against 50,000 NOK: exactly 9 fit (9 x 5,050 = 45,450).
    attempts = [
        payer.http.post(url, json={"merchantId": merchant["id"], "amount": 5000}, headers={"X-Request-ID": f"p{i}"})
        for i in range(12)
    ]
    # ... and each request retried concurrently with the same X-Request-ID.
    retries = [
        payer.http.post(url, json={"merchantId": merchant["id"], "amount": 5000}, headers={"X-Request-ID": f"p{i}"})
        for i in range(12)
    ]
    results = await asyncio.gather(*attempts, *retries)
    ok = {r.json()["data"]["id"] for r in results if r.status_code == 201}
    assert len(ok) == 9
    assert all(r.status_code in (201, 402) for r in results)
    me = (await payer.http.get("/api/auth/me")).json()["data"]
    assert me["totalBalance"] == 50000.0 - 9 * 5050.0
    assert (await payer.http.get("/api/transactions")).json()["pagination"]["total"] == 9
    assert (await payer.sandbox.ledger.check()).ok
