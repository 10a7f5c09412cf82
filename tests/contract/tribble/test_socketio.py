"""Socket.IO: a real python-socketio client against a live server receives Tribble's events."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import socketio

from tests.contract.tribble.conftest import PASSWORD
from tests.support.server import LiveServer


async def _user(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    r = await http.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "firstName": "Sock", "lastName": "Et"},
    )
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
    finally:
        await client.disconnect()
