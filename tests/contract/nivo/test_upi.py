"""Flow 7: UPI deposits are pending at once and settle on the sandbox clock, credited exactly once."""

from __future__ import annotations

from simulators.operations import Outcome
from tests.contract.nivo.conftest import Nivo, advance


def upi_path(wallet_id: str) -> str:
    return f"/api/v1/wallet/wallets/{wallet_id}/deposit/upi"


async def test_upi_deposit_completes_after_delay_exactly_once(nivo: Nivo) -> None:
    nivo.sandbox.clock.freeze()
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    resp = await nivo.call("POST", upi_path(wallet_id), user, {"amount": 5000, "upi_id": "user@paytm"})
    assert resp.status_code == 201, resp.text
    data = resp.json()["data"]
    assert data["amount"] == 5000 and data["upi_id"] == "user@paytm" and data["status"] == "pending"
    assert data["message"] == "Simulating UPI payment - will complete in 3-10 seconds"
    assert resp.headers.get("X-Sandbox-Explain")
    deposit_id = data["deposit_id"]
    assert len(deposit_id) == 36

    await advance(nivo.sandbox, 2.9)
    status = await nivo.ok("GET", f"{upi_path(wallet_id)}/{deposit_id}", user)
    assert status["status"] == "pending"
    assert (await nivo.balance(user, wallet_id))["balance"] == "0.00"

    await advance(nivo.sandbox, 7.2)  # now 10.1 s after the start: due whatever the draw in 3-10 s
    status = await nivo.ok("GET", f"{upi_path(wallet_id)}/{deposit_id}", user)
    assert status["status"] == "completed"
    assert (await nivo.balance(user, wallet_id))["balance"] == "5000.00"
    tx = await nivo.ok("GET", f"/api/v1/transaction/transactions/{status['transaction_id']}", user)
    assert tx["type"] == "deposit" and tx["amount"] == "5000.00" and tx["to_wallet_id"] == wallet_id

    # Settling again (control API, a repeated job) credits nothing more.
    op = await nivo.sandbox.simulators.operations.get(deposit_id)
    assert op is not None and op.status == "completed"
    settle = nivo.sandbox.simulators.operations.handler("nivo.upi_deposit")
    assert settle is not None
    await settle(op, Outcome("completed"))
    await advance(nivo.sandbox, 60)
    assert (await nivo.balance(user, wallet_id))["balance"] == "5000.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_upi_failure_via_magic_id(nivo: Nivo) -> None:
    nivo.sandbox.clock.freeze()
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    data = await nivo.ok("POST", upi_path(wallet_id), user, {"amount": "250.50", "upi_id": "fail@upi"}, status=201)
    assert data["status"] == "pending"
    await advance(nivo.sandbox, 11)
    status = await nivo.ok("GET", f"{upi_path(wallet_id)}/{data['deposit_id']}", user)
    assert status["status"] == "failed"
    assert status["failure_reason"] == "UPI payment declined by the payer's bank"
    assert (await nivo.balance(user, wallet_id))["balance"] == "0.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_upi_manual_settlement_via_control(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    data = await nivo.ok("POST", upi_path(wallet_id), user, {"amount": 100, "upi_id": "pending@upi"}, status=201)
    await advance(nivo.sandbox, 3600)
    assert (await nivo.ok("GET", f"{upi_path(wallet_id)}/{data['deposit_id']}", user))["status"] == "pending"
    await nivo.sandbox.simulators.operations.settle(data["deposit_id"], "completed")
    assert (await nivo.ok("GET", f"{upi_path(wallet_id)}/{data['deposit_id']}", user))["status"] == "completed"
    assert (await nivo.balance(user, wallet_id))["balance"] == "100.00"


async def test_upi_validation(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    usd = await nivo.wallet(user, "USD")
    pending = await nivo.wallet(await nivo.user("Second User"), activate=False)
    await nivo.error("POST", upi_path(wallet_id), user, {"amount": 10, "upi_id": "no-at-sign"}, 400, "VALIDATION_ERROR")
    await nivo.error(
        "POST", upi_path(wallet_id), user, {"amount": 10, "upi_id": "a@unknownpsp"}, 400, "VALIDATION_ERROR"
    )
    await nivo.error("POST", upi_path(wallet_id), user, {"amount": -1, "upi_id": "user@paytm"}, 400, "VALIDATION_ERROR")
    await nivo.error(
        "POST", upi_path(wallet_id), user, {"amount": 100001, "upi_id": "user@paytm"}, 412, "LIMIT_EXCEEDED"
    )
    await nivo.error("POST", upi_path(usd), user, {"amount": 10, "upi_id": "user@paytm"}, 400, "BAD_REQUEST")
    await nivo.error("POST", upi_path(pending), user, {"amount": 10, "upi_id": "user@paytm"}, 403, "FORBIDDEN")
    await nivo.error("GET", f"{upi_path(wallet_id)}/nope", user, None, 404, "NOT_FOUND")
