"""Driving Cashier requests from the control API: manual partner outcomes and reversals."""

from __future__ import annotations

import httpx

from tests.contract.cashier.conftest import CashierUser, cashier_socket, fund
from tests.support.server import LiveServer


async def test_manual_deposit_completed_then_reversed_through_the_control_api(
    live: LiveServer, user: CashierUser
) -> None:
    async with cashier_socket(live, user.token) as client, httpx.AsyncClient(base_url=live.base_url) as http:
        body = (await client.ok("deposit_request", {"amount": 20.14, "currency": "USD", "service": "paypal"}))["data"]
        ref = body["request_ref"]
        response = await http.post(f"/_sandbox/operations/{ref}/complete")
        assert response.status_code == 200, response.text
        completed = (await client.push("deposit_completed"))["data"]
        assert completed["transaction_ref"] == ref
        assert completed["user_balance"] == 19.94  # 1% fee, half-even: 0.2014 -> 0.20
        response = await http.post(f"/_sandbox/operations/{ref}/reverse", json={"error_message": "chargeback"})
        assert response.status_code == 200, response.text
        reversal = await client.push("transaction_completed")
        while reversal["data"]["transaction_type"] != "reversal":
            reversal = await client.push("transaction_completed")
        assert reversal["data"]["balance_after"] == 0.0
        status = (await client.ok("get_deposit_status", {"request_ref": ref}))["data"]
        assert status["status"] == "reversed"
    assert (await live.sandbox.ledger.check()).ok


async def test_manual_withdrawal_failed_through_the_control_api(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    identity = live.sandbox.identity
    await identity.start_otp(user.id, "withdrawal", "email")
    code = (await identity.inbox(to=user.email, purpose="withdrawal"))[0].code
    token = (await identity.verify_otp(user.id, "withdrawal", code)).token
    async with cashier_socket(live, user.token) as client, httpx.AsyncClient(base_url=live.base_url) as http:
        body = (
            await client.ok(
                "withdraw_request",
                {"amount": 10.14, "currency": "USD", "destination": "+254700000000", "verification_token": token},
            )
        )["data"]
        response = await http.post(
            f"/_sandbox/operations/{body['request_ref']}/fail", json={"error_message": "Destination account invalid"}
        )
        assert response.status_code == 200, response.text
        failed = (await client.push("withdrawal_failed"))["data"]
        assert failed == {"request_ref": body["request_ref"], "error": "Destination account invalid"}
    assert (await live.sandbox.ledger.check()).ok


async def test_completed_agent_withdrawal_reversed_through_the_control_api(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "KES", 100000)
    agent = (await live.sandbox.simulators.agents.list(currency="KES"))[0]
    identity = live.sandbox.identity
    await identity.start_otp(user.id, "withdrawal", "email")
    code = (await identity.inbox(to=user.email, purpose="withdrawal"))[0].code
    token = (await identity.verify_otp(user.id, "withdrawal", code)).token
    async with cashier_socket(live, user.token) as client, httpx.AsyncClient(base_url=live.base_url) as http:
        data = {
            "amount": 100.14,
            "currency": "KES",
            "destination": "+254700000000",
            "agent_id": agent.id,
            "verification_token": token,
        }
        ref = (await client.ok("withdraw_request", data))["data"]["request_ref"]
        assert (await http.post(f"/_sandbox/operations/{ref}/complete")).status_code == 200
        completed = (await client.push("withdrawal_completed"))["data"]
        assert completed["agent_commission"] > 0
        assert (await http.post(f"/_sandbox/operations/{ref}/reverse")).status_code == 200
        reversal = await client.push("transaction_completed")
        while reversal["data"]["transaction_type"] != "reversal":
            reversal = await client.push("transaction_completed")
        assert reversal["data"]["balance_after"] == 1000.0
        history = (await client.ok("get_history", {"type": "withdrawals"}))["data"]["withdrawals"]
        assert history[0]["status"] == "reversed"
    assert (await live.sandbox.ledger.check()).ok
