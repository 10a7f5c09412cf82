"""Socket.IO: a real python-socketio client against a live server receives Tribble's events."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import socketio

from tests.contract.tribble.conftest import PASSWORD
from tests.support.server import LiveServer


async def _user(http: httpx.AsyncClient, email: str, phone: str | None = None) -> dict[str, Any]:
    body = {"email": email, "password": PASSWORD, "firstName": "Sock", "lastName": "Et"}
    if phone:
        body["phoneNumber"] = phone
    r = await http.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201, r.text
    r = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return r.json()  # type: ignore[no-any-return]


async def test_socketio_events_reach_a_real_client(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        login = await _user(http, "sock@example.com")
        other = await _user(http, "other@example.com")
        user_uuid = login["user"]["userId"]
        refused = socketio.AsyncClient()
        try:
            await refused.connect(live.base_url, auth={"token": "Bearer nope"}, wait_timeout=5)
            connected = True
        except socketio.exceptions.ConnectionError:
            connected = False
        assert not connected

        received: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        client = socketio.AsyncClient()
        for name in ("transaction:completed", "fraud:risk_alert", "dispute:created", "subscription:charged"):
            client.on(name, lambda data, name=name: received.put_nowait((name, data)))
        await client.connect(live.base_url, auth={"token": f"Bearer {login['accessToken']}"}, wait_timeout=5)
        try:
            ack = await client.call(
                "subscribe",
                {"channels": [f"user:{user_uuid}", "transaction:all", f"user:{other['user']['userId']}"]},
                timeout=5,
            )
            assert sorted(ack["subscribed"]) == sorted([f"user:{user_uuid}", "transaction:all"])
            assert ack["rejected"] == [f"user:{other['user']['userId']}"]

            data = {"transactionId": "txn-x", "amount": 10.0, "status": "SUCCESS", "merchantId": "m", "timestamp": "t"}
            # Another user's event never reaches this socket; the caller's own does (published in the server).
            for who, txn in (("other@example.com", "txn-other"), ("sock@example.com", "txn-x")):
                r = await http.post(
                    "/_sandbox/events/emit",
                    json={
                        "user": who,
                        "platform": "tribble",
                        "type": "transaction:completed",
                        "data": {**data, "transactionId": txn},
                    },
                )
                assert r.status_code == 200, r.text
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "transaction:completed"
            assert payload == {"event": "transaction:completed", "data": data}
            assert received.empty()

            # A real wallet funding through the card simulator ends in transaction:completed.
            headers = {"Authorization": f"Bearer {login['accessToken']}"}
            card = await http.post(
                "/api/v1/payment-methods",
                json={
                    "type": "card",
                    "cardNumber": "4242424242424242",
                    "cardholderName": "Sock Et",
                    "expiryMonth": 12,
                    "expiryYear": 2035,
                    "cvv": "123",
                },
                headers=headers,
            )
            wallets = (await http.get("/api/v1/wallets", params={"currency": "NGN"}, headers=headers)).json()
            r = await http.post(
                "/api/v1/wallets/fund",
                json={
                    "walletId": wallets["wallets"][0]["walletId"],
                    "amount": 100,
                    "paymentMethodId": card.json()["paymentMethodId"],
                },
                headers=headers,
            )
            assert r.status_code == 201, r.text
            assert (await http.post("/_sandbox/clock/advance", json={"seconds": 3600})).status_code == 200
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "transaction:completed"
            assert payload["data"]["transactionId"] == r.json()["transactionId"]
            assert payload["data"]["status"] == "SUCCESS" and payload["data"]["amount"] == 100.0
        finally:
            await client.disconnect()


async def test_socketio_websocket_transport(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        login = await _user(http, "ws@example.com")
    client = socketio.AsyncClient()
    await client.connect(
        live.base_url,
        auth={"token": f"Bearer {login['accessToken']}"},
        transports=["websocket"],
        wait_timeout=5,
    )
    try:
        assert client.transport() == "websocket"
        ack = await client.call("subscribe", {"channels": ["transaction:all"]}, timeout=5)
        assert ack == {"subscribed": ["transaction:all"], "rejected": []}
        assert live.sandbox.live_sockets == 1  # the session pins its sandbox (workspaces stay open)
    finally:
        await client.disconnect()
    for _ in range(100):
        if live.sandbox.live_sockets == 0:
            break
        await asyncio.sleep(0.05)
    assert live.sandbox.live_sockets == 0


async def test_documented_events_from_real_flows(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        owner = await _user(http, "shop@example.com")
        admin = await _user(http, "boss@example.com")
        buyer = await _user(http, "buyer@example.com", "+2348099990001")
        await live.sandbox.identity.add_role((await live.sandbox.identity.by_uuid(admin["user"]["userId"])).id, "admin")
        admin = (await http.post("/api/v1/auth/login", json={"email": "boss@example.com", "password": PASSWORD})).json()
        oh = {"Authorization": f"Bearer {owner['accessToken']}"}
        ah = {"Authorization": f"Bearer {admin['accessToken']}"}
        bh = {"Authorization": f"Bearer {buyer['accessToken']}"}
        r = await http.post(
            "/api/v1/merchants/register",
            json={"businessName": "Shop", "entityType": "sole_proprietor", "taxId": "12345678"},
            headers=oh,
        )
        mid = r.json()["merchantId"]
        assert (await http.post(f"/api/v1/admin/merchants/{mid}/approve", json={}, headers=ah)).status_code == 200
        assert (
            await http.post("/_sandbox/users/buyer@example.com/kyc", json={"status": "approved", "tier": 2})
        ).status_code == 200
        card = await http.post(
            "/api/v1/payment-methods",
            json={
                "type": "card",
                "cardNumber": "4242424242424242",
                "cardholderName": "B U",
                "expiryMonth": 12,
                "expiryYear": 2035,
                "cvv": "123",
            },
            headers=bh,
        )
        wallets = (await http.get("/api/v1/wallets", params={"currency": "NGN"}, headers=bh)).json()
        await http.post(
            "/api/v1/wallets/fund",
            json={
                "walletId": wallets["wallets"][0]["walletId"],
                "amount": 50000,
                "paymentMethodId": card.json()["paymentMethodId"],
            },
            headers=bh,
        )
        assert (await http.post("/_sandbox/clock/advance", json={"seconds": 60})).status_code == 200

        received: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        client = socketio.AsyncClient()
        for name in ("transaction:completed", "fraud:risk_alert", "dispute:created", "subscription:charged"):
            client.on(name, lambda data, name=name: received.put_nowait((name, data)))
        await client.connect(live.base_url, auth={"token": f"Bearer {buyer['accessToken']}"}, wait_timeout=5)
        try:
            await client.call("subscribe", {"channels": [f"user:{buyer['user']['userId']}"]}, timeout=5)
            r = await http.post(
                "/api/v1/transactions", json={"amount": 1000, "currency": "NGN", "merchantId": mid}, headers=bh
            )
            tid = r.json()["transactionId"]
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "transaction:completed" and payload["data"]["transactionId"] == tid
            assert set(payload["data"]) == {"transactionId", "amount", "status", "merchantId", "timestamp"}

            risky = {**bh, "X-Device-Id": "new", "X-Forwarded-For": "203.0.113.1", "X-Country": "US"}
            r = await http.post(
                "/api/v1/transactions", json={"amount": 20000, "currency": "NGN", "merchantId": mid}, headers=risky
            )
            assert r.status_code == 403
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "fraud:risk_alert" and payload["data"]["requiresAction"] is True
            assert set(payload["data"]) == {
                "transactionId",
                "riskScore",
                "riskLevel",
                "decision",
                "requiresAction",
                "timestamp",
            }

            r = await http.post(f"/api/v1/transactions/{tid}/dispute", json={"reason": "duplicate"}, headers=bh)
            assert r.status_code == 201
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "dispute:created" and payload["data"]["disputeId"] == r.json()["disputeId"]
            assert set(payload["data"]) == {"disputeId", "transactionId", "reason", "amount", "deadline", "timestamp"}

            plan = await http.post(
                "/api/v1/subscription-plans",
                json={"planName": "Monthly", "amount": 100, "currency": "NGN", "billingFrequency": "monthly"},
                headers=oh,
            )
            r = await http.post("/api/v1/subscriptions", json={"planId": plan.json()["planId"]}, headers=bh)
            assert r.status_code == 201, r.text
            name, payload = await asyncio.wait_for(received.get(), 5)
            assert name == "subscription:charged" and payload["data"]["status"] == "SUCCEEDED"
            assert set(payload["data"]) == {
                "subscriptionId",
                "chargeId",
                "amount",
                "status",
                "nextChargeDate",
                "timestamp",
            }
        finally:
            await client.disconnect()
