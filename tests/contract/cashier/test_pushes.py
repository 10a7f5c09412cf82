"""Pushes reach every socket of the audience, land on the event log for users who are offline,
and the control API's emit reaches sockets exactly like a real event."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket, make_user
from tests.support.server import LiveServer


async def test_offline_user_finds_pushes_on_the_event_log(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        ref = (await client.ok("deposit_request", {"amount": 12, "currency": "USD", "service": "paypal"}))["data"][
            "request_ref"
        ]
    await advance(live, 30)  # completes while nobody is connected
    events = await live.sandbox.events.log(user_id=user.id, type="deposit_completed")
    assert [e.data["transaction_ref"] for e in events] == [ref]
    assert events[0].platform == "cashier"
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        response = await http.get("/_sandbox/events", params={"user": str(user.id), "type": "deposit_completed"})
    assert response.status_code == 200


async def test_control_api_emit_reaches_the_socket(live: LiveServer, user: CashierUser) -> None:
    other = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, user.token) as mine, cashier_socket(live, other.token) as theirs:
        async with httpx.AsyncClient(base_url=live.base_url) as http:
            response = await http.post(
                "/_sandbox/events/emit",
                json={
                    "user": user.id,
                    "platform": "cashier",
                    "type": "withdrawal_failed",
                    "data": {"request_ref": "WDL-REQ-20251207-001", "error": "Destination account invalid"},
                },
            )
            assert response.status_code == 200, response.text
        pushed = await mine.push("withdrawal_failed")
        assert pushed["data"] == {"request_ref": "WDL-REQ-20251207-001", "error": "Destination account invalid"}
        assert isinstance(pushed["timestamp"], int)
        # Not the other user's, and other platforms' events never reach a Cashier socket.
        assert (await theirs.ok("get_accounts"))["message"] == "accounts retrieved"
        assert theirs.pushes == []


async def test_token_expiring_while_connected_ends_the_session(live: LiveServer, user: CashierUser) -> None:
    pair = await live.sandbox.identity.mint_token(user.email, 60)
    async with cashier_socket(live, pair.access_token) as client:
        assert (await client.ok("get_accounts"))["message"] == "accounts retrieved"
        await advance(live, 120)
        await client.ws.send('{"type": "get_accounts", "data": {}}')
        assert (await client.reply())["data"]["message"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_deeply_nested_frame_is_an_error_not_a_crash(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        await client.ws.send("[" * 60000)
        assert (await client.reply())["data"]["message"] == "invalid request format"
        await client.ws.send('{"type": "get_accounts", "data": ' + "[" * 30000 + "]" * 30000 + "}")
        assert (await client.reply())["data"]["message"] == "invalid request format"
        assert (await client.ok("get_accounts"))["message"] == "accounts retrieved"


async def test_revoked_token_ends_the_session(live: LiveServer, user: CashierUser) -> None:
    pair = await live.sandbox.identity.mint_token(user.email, 3600)
    async with cashier_socket(live, pair.access_token) as client:
        assert (await client.ok("get_accounts"))["message"] == "accounts retrieved"
        await live.sandbox.identity.revoke(pair.jti)
        await client.ws.send('{"type": "get_accounts", "data": {}}')
        assert (await client.reply())["data"]["message"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
