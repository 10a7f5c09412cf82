"""P2P transfers seen on both sides' sockets, conversions at an FX rate id, idempotent retries."""

from __future__ import annotations

from decimal import Decimal

from app.core.money import convert, to_float
from tests.contract.cashier.conftest import CashierUser, cashier_socket, fund, make_user
from tests.support.server import LiveServer


async def test_transfer_is_pushed_to_sender_and_recipient(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    friend = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, user.token) as sender, cashier_socket(live, friend.token) as recipient:
        reply = await sender.request(
            "transfer", {"to_user_id": str(friend.id), "amount": 25.00, "currency": "USD", "description": "lunch"}
        )
        assert reply["type"] == "success"
        assert reply["data"]["message"] == "transfer completed"
        body = reply["data"]["data"]
        assert body["amount"] == 25.0 and body["fee"] == 0.5 and body["agent_commission"] == 0.0
        assert body["receipt_code"].startswith("RCP-") and isinstance(body["journal_id"], int)
        assert body["created_at"].endswith("Z")

        theirs = (await recipient.push("transfer_completed"))["data"]
        mine = (await sender.push("transfer_completed"))["data"]
        assert theirs == mine
        assert theirs["receipt_code"] == body["receipt_code"]
        assert theirs["transaction_id"] == body["journal_id"]
        assert theirs["amount"] == 25.0 and theirs["currency"] == "USD" and theirs["fee"] == 0.5
        assert theirs["from_account"].startswith("ACC-USER-USD-")
        assert theirs["to_account"].startswith("ACC-USER-USD-")
        assert theirs["from_account"] != theirs["to_account"]

        received = (await recipient.push("transaction_completed"))["data"]
        assert received["balance_after"] == 25.0 and received["transaction_type"] == "transfer"
        sent = (await sender.push("transaction_completed"))["data"]
        assert sent["balance_after"] == 74.5

        summary = (await recipient.ok("get_owner_summary"))["data"]
        usd = next(b for b in summary["account_balances"] if b["currency"] == "USD")
        assert usd["balance"] == 25.0

        # The recipient can read the receipt too, without the sender's balance.
        details = (await recipient.ok("get_transaction_by_receipt", {"receipt_code": body["receipt_code"]}))["data"]
        by_number = {leg["account_number"]: leg for leg in details["ledgers"]}
        assert by_number[theirs["to_account"]]["balance_after"] == 25.0
        assert by_number[theirs["from_account"]]["balance_after"] is None
    assert (await live.sandbox.ledger.check()).ok


async def test_transfer_to_a_user_without_that_currency_opens_their_wallet(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "EUR", 5000)
    friend = await make_user(live)
    async with cashier_socket(live, user.token) as client:
        await client.ok("transfer", {"to_user_id": friend.id, "amount": 10, "currency": "EUR"})
    accounts = await live.sandbox.ledger.accounts_of("user", friend.id)
    assert [(a.currency, a.balance) for a in accounts] == [("EUR", 1000)]


async def test_transfer_idempotency_key_replays(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    friend = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, user.token) as client:
        data = {"to_user_id": friend.id, "amount": 10, "currency": "USD", "idempotency_key": "t-1"}
        first = (await client.ok("transfer", data))["data"]
        second = (await client.ok("transfer", data))["data"]
        assert first == second
        mismatch = await client.error("transfer", {**data, "amount": 11})
        assert mismatch == "idempotency key already used with different parameters"
    wallet = await live.sandbox.ledger.accounts_of("user", user.id, purpose="ACCOUNT_PURPOSE_WALLET")
    usd = next(a for a in wallet if a.currency == "USD")
    assert (await live.sandbox.ledger.balance(usd.id)).balance == 10000 - 1000 - 20


async def test_convert_and_transfer(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 20000)
    rate = await live.sandbox.ledger.fx.rate("USD", "EUR")
    async with cashier_socket(live, user.token) as client:
        reply = await client.ok(
            "convert_and_transfer",
            {"from_currency": "USD", "to_currency": "EUR", "amount": 100.00, "description": "Convert USD to EUR"},
        )
        assert reply["message"] == "conversion completed"
        body = reply["data"]
        assert body["source_currency"] == "USD" and body["dest_currency"] == "EUR"
        assert body["source_amount"] == 100.0
        assert body["fx_rate"] == str(rate.rate)
        assert isinstance(body["fx_rate_id"], int)
        assert body["converted_amount"] == to_float(convert(10000, "USD", "EUR", Decimal(body["fx_rate"])), "EUR")
        assert body["fee"] == 1.0
        pushed = (await client.push("transaction_completed"))["data"]
        assert pushed["transaction_type"] == "conversion" and pushed["receipt_code"] == body["receipt_code"]
        summary = (await client.ok("get_owner_summary"))["data"]
        balances = {b["currency"]: b["balance"] for b in summary["account_balances"]}
        assert balances["USD"] == 99.0
        assert balances["EUR"] == body["converted_amount"]
        assert summary["total_accounts"] == 3
        assert abs(summary["total_balance_usd"] - 199.0) < 0.05
        same = await client.error("convert_and_transfer", {"from_currency": "USD", "to_currency": "USD", "amount": 1})
        assert same == "from_currency and to_currency must differ"
    assert (await live.sandbox.ledger.check()).ok


async def test_conversion_retry_replays_at_the_first_rate(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 20000)
    async with cashier_socket(live, user.token) as client:
        data = {"from_currency": "USD", "to_currency": "KES", "amount": 10, "idempotency_key": "c-1"}
        first = (await client.ok("convert_and_transfer", data))["data"]
        rates = await live.sandbox.ledger.fx.usd_rates()
        await live.sandbox.ledger.fx.set_usd_rates({"KES": rates["KES"] * 2})
        second = (await client.ok("convert_and_transfer", data))["data"]
        assert second == first
        fresh = (await client.ok("convert_and_transfer", {**data, "idempotency_key": "c-2"}))["data"]
        assert fresh["fx_rate_id"] != first["fx_rate_id"]
        assert abs(fresh["converted_amount"] - first["converted_amount"] * 2) <= 0.01
    assert (await live.sandbox.ledger.check()).ok
