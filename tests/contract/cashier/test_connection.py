"""Connecting, authentication refusals, the envelope, and bad input that never closes the socket."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.contract.cashier.conftest import WS_PATH, CashierUser, cashier_socket
from tests.support.server import LiveServer


async def test_connected_greeting_with_header_token(live: LiveServer, user: CashierUser) -> None:
    async with connect(f"{live.ws_url}{WS_PATH}", additional_headers={"Authorization": f"Bearer {user.token}"}) as ws:
        greeting = json.loads(await ws.recv())
    assert greeting["type"] == "connected"
    assert greeting["data"]["user_id"] == str(user.id)
    assert isinstance(greeting["data"]["timestamp"], int)
    assert isinstance(greeting["timestamp"], int)


async def test_query_token_for_browsers(live: LiveServer, user: CashierUser) -> None:
    async with connect(f"{live.ws_url}{WS_PATH}?token={user.token}") as ws:
        greeting = json.loads(await ws.recv())
    assert greeting["data"]["user_id"] == str(user.id)


@pytest.mark.parametrize("token", [None, "not-a-jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"])
async def test_missing_or_bad_token_is_closed_4401(live: LiveServer, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with connect(f"{live.ws_url}{WS_PATH}", additional_headers=headers) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "error"
        assert first["data"]["message"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_expired_token_is_refused(live: LiveServer, user: CashierUser) -> None:
    pair = await live.sandbox.identity.mint_token(user.email, 0)
    async with connect(f"{live.ws_url}{WS_PATH}?token={pair.access_token}") as ws:
        first = json.loads(await ws.recv())
        assert first["data"]["message"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_malformed_frames_get_errors_and_the_socket_stays_usable(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        cases: list[tuple[str | bytes, str]] = [
            ("{not json", "invalid request format"),
            ("[1, 2, 3]", "invalid request format"),
            ('"just a string"', "invalid request format"),
            ("null", "invalid request format"),
            ("{}", "invalid request format"),
            ('{"type": 5}', "invalid request format"),
            ('{"type": "get_accounts", "data": [1]}', "invalid request format"),
            ('{"type": "no_such_thing", "data": {}}', "unknown message type: no_such_thing"),
            ('{"type": "get_account_balance", "data": {}}', "account_number is required"),
            ('{"type": "get_account_balance", "data": {"account_number": 7}}', "account_number must be a string"),
            ('{"type": "deposit_request", "data": {"amount": true, "currency": "USD"}}', "amount must be a number"),
            ('{"type": "deposit_request", "data": {"amount": "abc", "currency": "USD"}}', "amount must be a number"),
            ('{"type": "get_history", "data": {"limit": 0}}', "limit must be at least 1"),
            ('{"type": "get_history", "data": {"offset": -1}}', "offset must be at least 0"),
            ('{"type": "get_history", "data": {"limit": "ten"}}', "limit must be an integer"),
            (b"\xff\xfe not utf8", "invalid request format"),
        ]
        for frame, expected in cases:
            await client.ws.send(frame)
            reply = await client.reply()
            assert reply["type"] == "error", (frame, reply)
            assert reply["data"]["message"] == expected, frame
            assert isinstance(reply["timestamp"], int)
        # Still usable after all of that.
        data = await client.ok("get_accounts")
        assert data["message"] == "accounts retrieved"


async def test_oversized_frame_gets_an_error(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        big = json.dumps({"type": "get_accounts", "data": {"padding": "x" * (64 * 1024)}})
        await client.ws.send(big)
        reply = await client.reply()
        assert reply["type"] == "error"
        assert reply["data"]["message"] == "message too large: maximum 65536 bytes"
        assert (await client.ok("get_accounts"))["message"] == "accounts retrieved"


async def test_client_id_is_echoed_on_replies(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        ok = await client.request("get_accounts", {}, id="req-1")
        assert ok["type"] == "success" and ok["id"] == "req-1"
        bad = await client.request("get_account_balance", {}, id=42)
        assert bad["type"] == "error" and bad["id"] == 42
        plain = await client.request("get_accounts", {})
        assert "id" not in plain


async def test_application_ping_gets_pong(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        await client.ws.send(json.dumps({"type": "ping"}))
        assert (await client.reply())["type"] == "pong"


async def test_plain_http_under_cashier_gets_cashier_envelope(live: LiveServer) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=live.base_url) as http:
        response = await http.get("/cashier/nope")
    assert response.status_code == 404
    body = response.json()
    assert body["type"] == "error" and body["data"]["message"] == "not found"


async def test_plain_http_on_the_socket_path_asks_for_an_upgrade(live: LiveServer) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=live.base_url) as http:
        for method in ("GET", "POST"):
            response = await http.request(method, "/cashier/svc/ws")
            assert response.status_code == 426
            assert response.json()["data"]["message"] == "websocket upgrade required"


async def test_unknown_workspace_is_an_error_then_close_4404(live: LiveServer, user: CashierUser) -> None:
    async with connect(f"{live.ws_url}{WS_PATH}?workspace=nope&token={user.token}") as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "error"
        assert first["data"]["message"] == "workspace 'nope' does not exist"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


async def test_suspended_user_is_refused(live: LiveServer, user: CashierUser) -> None:
    await live.sandbox.identity.set_status(user.id, "suspended")
    async with connect(f"{live.ws_url}{WS_PATH}?token={user.token}") as ws:
        assert json.loads(await ws.recv())["data"]["message"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_open_sockets_pin_their_sandbox(live: LiveServer, user: CashierUser) -> None:
    """The sandbox counts its live sockets, so a workspace is never closed under a connected client."""
    import asyncio

    sandbox = live.sandbox
    before = sandbox.live_sockets
    async with cashier_socket(live, user.token), cashier_socket(live, user.token):
        assert sandbox.live_sockets == before + 2
    for _ in range(100):  # the server notices the close on its own loop
        if sandbox.live_sockets == before:
            break
        await asyncio.sleep(0.05)
    assert sandbox.live_sockets == before
