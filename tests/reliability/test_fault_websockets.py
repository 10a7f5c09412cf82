"""WebSockets in the request journal and under faults: Cashier's frames and Tribble's Socket.IO events."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import socketio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.reliability.cashier_ws import WS_PATH, cashier, funded_user
from tests.support.server import LiveServer


async def _journal(http: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    resp = await http.get("/_sandbox/requests", params=params)
    assert resp.status_code == 200, resp.text
    entries: list[dict[str, Any]] = resp.json()["requests"]
    return entries


async def _put(http: httpx.AsyncClient, *rules: dict[str, Any]) -> None:
    resp = await http.put("/_sandbox/faults", json={"rules": list(rules)})
    assert resp.status_code == 200, resp.text


async def _cashier_user(live: LiveServer) -> tuple[int, str]:
    return await funded_user(live, f"ws.{uuid.uuid4().hex[:8]}@example.com", "USD", 10_000)


async def _closed_with(ws: Any) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    frame = closed.value.rcvd
    return frame.code if frame is not None else None


async def test_cashier_frames_in_both_directions_are_journaled(http: httpx.AsyncClient, live: LiveServer) -> None:
    user_id, token = await _cashier_user(live)
    async with cashier(live.ws_url, token) as sock:
        pong = await sock.request("ping", {})
        assert pong["type"] == "pong"
        assert (await sock.request("no_such_message", {}))["type"] == "error"
        assert (await sock.request("get_account_balance", {"currency": 12}))["type"] == "error"
    await asyncio.sleep(0.05)  # the server records the close once the client's close frame arrives
    entries = list(reversed(await _journal(http, method="WS")))
    kinds = [(e["kind"], e["frame_type"]) for e in entries]
    assert kinds[:4] == [("ws_open", None), ("ws_out", "connected"), ("ws_in", "ping"), ("ws_out", "pong")]
    assert kinds[-1][0] == "ws_close"
    assert all(e["platform"] == "cashier" and e["path"] == WS_PATH for e in entries)
    assert entries[0]["status"] == 101 and entries[0]["user"]["id"] == user_id
    assert [e["matched"] for e in entries if e["kind"] == "ws_in"] == [True, False, False]
    unmatched = await _journal(http, method="WS", unmatched="true")
    assert [e["unmatched_reason"] for e in unmatched][1] == "unknown message type: no_such_message"
    assert unmatched[0]["frame_type"] == "get_account_balance" and unmatched[0]["unmatched_reason"]
    full = (await http.get(f"/_sandbox/requests/{entries[2]['id']}")).json()
    assert full["frame"]["json"]["type"] == "ping"
    assert full["request_headers"]["authorization"] == "Bearer [redacted]"


async def test_cashier_upgrade_drop_closes_with_the_chosen_code(http: httpx.AsyncClient, live: LiveServer) -> None:
    _, token = await _cashier_user(live)
    url = f"{live.ws_url}{WS_PATH}?sandbox_fault=drop,close=4000"
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert await _closed_with(ws) == 4000
    [opened] = await _journal(http, method="WS", injected="true", limit="1")
    assert "X-Sandbox-Fault" in opened["injected"]


async def test_cashier_upgrade_status_refuses_the_handshake(http: httpx.AsyncClient, live: LiveServer) -> None:
    _, token = await _cashier_user(live)
    await _put(http, {"id": "ws-refuse", "platform": "cashier", "path": WS_PATH, "action": "status", "status": 503})
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{live.ws_url}{WS_PATH}", additional_headers={"Authorization": f"Bearer {token}"}):
            pass
    assert refused.value.response.status_code in (503, 403)
    [entry] = await _journal(http, method="WS", injected="true")
    assert entry["kind"] == "ws_open" and entry["status"] == refused.value.response.status_code
    assert entry["injected"] == "injected fault: status 503 (fault rule ws-refuse)"


async def test_cashier_frame_rules_drop_delay_and_lose_the_reply(http: httpx.AsyncClient, live: LiveServer) -> None:
    _, token = await _cashier_user(live)
    await _put(
        http,
        {"id": "slow-ping", "ws_type": "ping", "path": WS_PATH, "action": "delay", "ms": 10},
        {"id": "cut-accounts", "ws_type": "get_accounts", "path": "/cashier/*", "action": "drop", "close_code": 4001},
    )
    async with cashier(live.ws_url, token) as sock:
        assert (await sock.request("ping", {}))["type"] == "pong"  # delayed, then answered
        await sock.ws.send(json.dumps({"type": "get_accounts", "data": {}, "id": "a1"}))
        assert await _closed_with(sock.ws) == 4001
    injected = {e["frame_type"]: e for e in await _journal(http, method="WS", injected="true")}
    assert injected["ping"]["injected"] == "injected fault: delay 10 ms (fault rule slow-ping)"
    assert injected["get_accounts"]["kind"] == "ws_in"

    assert (await http.delete("/_sandbox/faults")).status_code == 204
    await _put(http, {"id": "lose-pong", "ws_type": "ping", "path": WS_PATH, "action": "drop", "when": "after"})
    async with cashier(live.ws_url, token) as sock:
        await sock.ws.send(json.dumps({"type": "ping", "id": "p1"}))
        assert await _closed_with(sock.ws) == 1011  # the pong was lost, the socket closed
    closed, lost = await _journal(http, method="WS", injected="true", limit="2")
    assert (closed["kind"], closed["close_code"]) == ("ws_close", 1011)
    assert (lost["kind"], lost["frame_type"]) == ("ws_out", "pong")
    assert lost["injected"] == "injected fault: drop after the handler (fault rule lose-pong): this reply was lost"


async def test_socketio_events_are_journaled_and_can_be_cut(http: httpx.AsyncClient, live: LiveServer) -> None:
    sandbox = live.sandbox
    user = await sandbox.identity.register(
        f"sio.{uuid.uuid4().hex[:6]}@example.com", "Passw0rd!23", first_name="So", last_name="Cket"
    )
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=3600)
    client = socketio.AsyncClient()
    await client.connect(
        live.base_url, auth={"token": f"Bearer {pair.access_token}"}, transports=["websocket"], wait_timeout=5
    )
    try:
        ack = await client.call("subscribe", {"channels": [f"user:{user.uuid}"]}, timeout=5)
        assert ack["subscribed"] == [f"user:{user.uuid}"]
        await client.emit("transfer", {"amount": 1})  # no such event in the contract
        await asyncio.sleep(0.2)  # emit only queues the packet
    finally:
        await client.disconnect()
    await asyncio.sleep(0.05)
    entries = await _journal(http, method="WS", platform="tribble")
    subscribe = [e for e in entries if e["frame_type"] == "subscribe"]
    assert len(subscribe) == 1 and subscribe[0]["kind"] == "ws_in" and subscribe[0]["path"].startswith("/socket.io")
    assert subscribe[0]["matched"] is True
    [stray] = [e for e in entries if e["frame_type"] == "transfer"]
    assert stray["matched"] is False and "unknown event 'transfer'" in stray["unmatched_reason"], stray
    assert subscribe[0]["user"]["id"] == user.id  # from the CONNECT packet's token
    connect_packet = next(e for e in reversed(entries) if e["kind"] == "ws_in")
    full = (await http.get(f"/_sandbox/requests/{connect_packet['id']}")).json()
    assert full["frame"]["packet"] == "40" and full["frame"]["json"]["token"] == "[redacted]"

    await _put(
        http, {"id": "cut-sub", "ws_type": "subscribe", "path": "/socket.io/*", "action": "drop", "close_code": 4002}
    )
    cut = socketio.AsyncClient(reconnection=False)
    disconnected = asyncio.Event()
    cut.on("disconnect", lambda *args: disconnected.set())
    await cut.connect(
        live.base_url, auth={"token": f"Bearer {pair.access_token}"}, transports=["websocket"], wait_timeout=5
    )
    try:
        with pytest.raises(socketio.exceptions.SocketIOError):
            await cut.call("subscribe", {"channels": [f"user:{user.uuid}"]}, timeout=2)
        await asyncio.wait_for(disconnected.wait(), 5)
    finally:
        await cut.disconnect()
    [injected] = [e for e in await _journal(http, injected="true") if e["kind"] == "ws_in"]
    assert injected["frame_type"] == "subscribe" and injected["injected"] == "injected fault: drop (fault rule cut-sub)"


async def test_cashier_upgrade_timeout_and_delay(http: httpx.AsyncClient, live: LiveServer) -> None:
    _, token = await _cashier_user(live)
    await _put(http, {"id": "hold", "path": WS_PATH, "action": "timeout", "ms": 15, "close_code": 4003, "times": 1})
    async with connect(f"{live.ws_url}{WS_PATH}", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert await _closed_with(ws) == 4003
    url = f"{live.ws_url}{WS_PATH}?sandbox_fault=delay=10"
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "connected"  # held, then served as usual
    await asyncio.sleep(0.05)
    opened = [e for e in await _journal(http, method="WS", injected="true") if e["kind"] == "ws_open"]
    assert [e["injected"] for e in opened] == [
        "injected fault: delay 10 ms (X-Sandbox-Fault header)",
        "injected fault: timeout after 15 ms (fault rule hold)",
    ]


async def test_socketio_upgrade_refused_and_frames_delayed(http: httpx.AsyncClient, live: LiveServer) -> None:
    sandbox = live.sandbox
    email = f"sio2.{uuid.uuid4().hex[:6]}@example.com"
    user = await sandbox.identity.register(email, "Passw0rd!23", first_name="So", last_name="Cket")
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=3600)
    auth = {"token": f"Bearer {pair.access_token}"}
    await _put(http, {"id": "sio-down", "platform": "tribble", "path": "/socket.io/*", "action": "status", "times": 1})
    refused = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect(live.base_url, auth=auth, transports=["websocket"], wait_timeout=5)
    if refused.eio.http is not None:  # the refused handshake leaves engine.io's aiohttp session open
        await refused.eio.http.close()
    await _put(http, {"id": "sio-slow", "ws_type": "subscribe", "path": "/socket.io/*", "action": "delay", "ms": 10})
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(live.base_url, auth=auth, transports=["websocket"], wait_timeout=5)
    try:
        ack = await client.call("subscribe", {"channels": [f"user:{user.uuid}"]}, timeout=5)
        assert ack["subscribed"] == [f"user:{user.uuid}"]  # delayed, then handled
    finally:
        await client.disconnect()
    injected = await _journal(http, injected="true", platform="tribble")
    assert [(e["kind"], e["frame_type"]) for e in injected][-2:] == [("ws_in", "subscribe"), ("ws_open", None)]
    assert injected[-1]["status"] in (503, 403)


async def test_socketio_upgrade_timeout_and_cashier_frame_timeout(http: httpx.AsyncClient, live: LiveServer) -> None:
    url = f"{live.ws_url}/socket.io/?EIO=4&transport=websocket&sandbox_fault=timeout=10,close=4005"
    async with connect(url) as ws:
        assert await _closed_with(ws) == 4005
    _, token = await _cashier_user(live)
    await _put(
        http,
        {
            "id": "slow-cut",
            "ws_type": "get_accounts",
            "path": WS_PATH,
            "action": "timeout",
            "ms": 10,
            "close_code": 4006,
        },
    )
    async with cashier(live.ws_url, token) as sock:
        await sock.ws.send(json.dumps({"type": "get_accounts", "data": {}, "id": "t1"}))
        assert await _closed_with(sock.ws) == 4006
    injected = await _journal(http, method="WS", injected="true")
    assert {(e["platform"], e["kind"], e["injected"]) for e in injected} >= {
        ("tribble", "ws_open", "injected fault: timeout after 10 ms (X-Sandbox-Fault header)"),
        ("cashier", "ws_in", "injected fault: timeout after 10 ms (fault rule slow-cut)"),
    }


async def test_socketio_reply_lost_after_the_handler_ran(http: httpx.AsyncClient, live: LiveServer) -> None:
    sandbox = live.sandbox
    email = f"sio3.{uuid.uuid4().hex[:6]}@example.com"
    user = await sandbox.identity.register(email, "Passw0rd!23", first_name="So", last_name="Cket")
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=3600)
    await _put(
        http, {"id": "lose-ack", "ws_type": "subscribe", "path": "/socket.io/*", "action": "drop", "when": "after"}
    )
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        live.base_url, auth={"token": f"Bearer {pair.access_token}"}, transports=["websocket"], wait_timeout=5
    )
    try:
        with pytest.raises(socketio.exceptions.SocketIOError):
            await client.call("subscribe", {"channels": [f"user:{user.uuid}"]}, timeout=2)
    finally:
        await client.disconnect()
    closed, lost = await _journal(http, platform="tribble", injected="true", limit="2")
    assert (closed["kind"], closed["close_code"]) == ("ws_close", 1011)
    assert lost["kind"] == "ws_out" and lost["injected"].endswith("this reply was lost")
