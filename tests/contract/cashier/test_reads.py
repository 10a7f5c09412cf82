"""Accounts, balances, partners, fees, history, statements and ledgers in the documented shapes."""

from __future__ import annotations

import pyotp

from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket, fund, make_user
from tests.support.server import LiveServer


async def test_get_accounts_shape(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        reply = await client.ok("get_accounts")
    assert reply["message"] == "accounts retrieved"
    accounts = reply["data"]["accounts"]
    assert reply["data"]["count"] == 3
    assert [a["currency"] for a in accounts] == ["USD", "EUR", "KES"]
    first = accounts[0]
    assert set(first) == {
        "id", "account_number", "currency", "purpose", "account_type", "is_active", "is_locked", "created_at"
    }  # fmt: skip
    assert first["account_number"] == f"ACC-USER-USD-{first['id']}"
    assert first["purpose"] == "ACCOUNT_PURPOSE_WALLET" and first["account_type"] == "ACCOUNT_TYPE_REAL"
    assert first["is_active"] is True and first["is_locked"] is False


async def test_balance_shape_and_last_transaction(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 100050)
    async with cashier_socket(live, user.token) as client:
        number = (await client.ok("get_accounts"))["data"]["accounts"][0]["account_number"]
        reply = await client.ok("get_account_balance", {"account_number": number})
    assert reply["message"] == "balance retrieved"
    assert reply["data"]["balance"] == 1000.5
    assert reply["data"]["available_balance"] == 1000.5
    assert reply["data"]["pending_debit"] == 0.0 and reply["data"]["pending_credit"] == 0.0
    assert reply["data"]["currency"] == "USD"
    assert reply["data"]["last_transaction"].endswith("Z")


async def test_get_partners(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        reply = await client.ok("get_partners", {"service": "mpesa"})
        everyone = await client.ok("get_partners", {})
    assert reply["message"] == "partners retrieved"
    partners = reply["data"]["partners"]
    assert reply["data"]["count"] == len(partners) > 0
    assert all(p["service"] == "mpesa" for p in partners)
    assert set(partners[0]) == {"id", "name", "country", "service", "status"}
    assert everyone["data"]["count"] > reply["data"]["count"]


async def test_calculate_fee(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        withdrawal = await client.ok(
            "calculate_fee", {"transaction_type": "withdrawal", "amount": 100.00, "source_currency": "USD"}
        )
        conversion = await client.ok(
            "calculate_fee",
            {"transaction_type": "conversion", "amount": 100, "source_currency": "USD", "target_currency": "EUR"},
        )
        transfer = await client.ok(
            "calculate_fee", {"transaction_type": "transfer", "amount": 25, "source_currency": "USD"}
        )
    assert withdrawal == {
        "message": "fee calculated",
        "data": {"fee_type": "FEE_TYPE_PLATFORM", "amount": 2.0, "currency": "USD", "applied_rate": "0.02"},
    }
    assert conversion["data"]["amount"] == 1.0
    assert transfer["data"]["amount"] == 0.5


async def test_history_lists_and_pages(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        refs = []
        for amount in (1, 2, 3):
            refs.append(
                (await client.ok("deposit_request", {"amount": amount, "currency": "USD", "service": "paypal"}))[
                    "data"
                ]["request_ref"]
            )
        assert refs[0].endswith("-001") and refs[2].endswith("-003")
        everything = await client.ok("get_history", {"type": "all", "limit": 20, "offset": 0})
        assert everything["message"] == "transaction history"
        assert [d["request_ref"] for d in everything["data"]["deposits"]] == refs[::-1]
        assert everything["data"]["withdrawals"] == []
        page = (await client.ok("get_history", {"type": "deposits", "limit": 1, "offset": 1}))["data"]
        assert [d["request_ref"] for d in page["deposits"]] == [refs[1]]
        item = page["deposits"][0]
        assert set(item) == {"id", "request_ref", "amount", "currency", "status", "receipt_code", "journal_id",
                             "created_at", "completed_at"}  # fmt: skip
        assert item["amount"] == 2.0 and item["status"] == "sent_to_partner"


async def test_statements_and_ledgers_are_consistent(live: LiveServer, user: CashierUser) -> None:
    friend = await make_user(live, currencies=("USD",))
    await fund(live, user.id, "USD", 100000)  # 1000.00 before the period
    await advance(live, 3600)
    start = live.sandbox.clock.iso()
    async with cashier_socket(live, user.token) as client:
        await client.ok("deposit_request", {"amount": 100, "currency": "USD", "service": "paypal"})
        await advance(live, 30)
        await client.push("deposit_completed")
        await client.ok("transfer", {"to_user_id": friend.id, "amount": 50, "currency": "USD"})
        number = (await client.ok("get_accounts"))["data"]["accounts"][0]["account_number"]
        end = live.sandbox.clock.iso()
        statement = await client.ok("get_account_statement", {"account_number": number, "from": start, "to": end})
        assert statement["message"] == "account statement"
        body = statement["data"]
        assert body["account_number"] == number
        assert body["opening_balance"] == 1000.0
        assert body["total_credits"] == 99.0  # 100 deposit less the 1.00 fee
        assert body["total_debits"] == 51.0  # 50 transfer + 1.00 fee
        assert body["closing_balance"] == 1048.0
        assert body["transaction_count"] == 3 == len(body["ledgers"])
        assert body["period_start"] == start and body["period_end"] == end
        running = body["opening_balance"]
        for entry in body["ledgers"]:
            running += entry["amount"] if entry["type"] == "DR_CR_CREDIT" else -entry["amount"]
            assert round(running, 2) == entry["balance_after"]
        assert round(running, 2) == body["closing_balance"]

        owner = (await client.ok("get_owner_statement", {"from": start, "to": end}))["data"]
        assert owner["count"] == 3
        usd = next(s for s in owner["statements"] if s["account_number"] == number)
        assert usd["closing_balance"] == 1048.0 and len(usd["ledgers"]) == 3
        eur = next(s for s in owner["statements"] if s["currency"] == "EUR")
        assert eur["opening_balance"] == eur["closing_balance"] == 0.0 and eur["ledgers"] == []

        ledgers = await client.ok("get_ledgers", {"account_number": number, "limit": 2, "offset": 0})
        assert ledgers["message"] == "ledgers retrieved"
        assert ledgers["data"]["total"] == 4 and ledgers["data"]["limit"] == 2 and ledgers["data"]["offset"] == 0
        newest = ledgers["data"]["ledgers"]
        assert len(newest) == 2 and all("journal_id" in e for e in newest)
        assert newest[0]["balance_after"] == 1048.0
        rest = (await client.ok("get_ledgers", {"account_number": number, "limit": 2, "offset": 2}))["data"]
        assert [e["id"] for e in rest["ledgers"]] == sorted((e["id"] for e in rest["ledgers"]), reverse=True)
        assert rest["ledgers"][-1]["balance_after"] == 1000.0
        period = (await client.ok("get_ledgers", {"account_number": number, "from": start, "to": end}))["data"]
        assert period["total"] == 3
        bad = await client.error("get_ledgers", {"account_number": number, "from": "31/12/2025"})
        assert bad == "invalid from date: expected ISO-8601 such as 2025-12-01T00:00:00Z"


async def test_otp_by_sms_and_whatsapp_are_masked(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        sms = await client.ok("verification_request", {"method": "otp_sms", "purpose": "withdrawal"})
        assert sms["data"]["channel"] == "sms" and sms["data"]["method"] == "otp_sms"
        assert sms["data"]["recipient"].endswith("0001") and "*" in sms["data"]["recipient"]
        assert sms["message"] == f"OTP sent to {sms['data']['recipient']} via sms"
        wa = await client.ok("verification_request", {"method": "otp_whatsapp", "purpose": "withdrawal"})
        assert wa["data"]["channel"] == "whatsapp"
    phoneless = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, phoneless.token) as client:
        message = await client.error("verification_request", {"method": "otp_sms"})
        assert message == "no phone number on your account. Please use otp_email verification instead."


async def test_totp_verification(live: LiveServer, user: CashierUser) -> None:
    secret, _ = await live.sandbox.identity.enable_totp(user.id)
    async with cashier_socket(live, user.token) as client:
        started = await client.ok("verification_request", {"method": "totp", "purpose": "withdrawal"})
        assert started == {
            "message": "2FA enabled. Please provide your TOTP code",
            "data": {"method": "totp", "purpose": "withdrawal", "next_step": "verify_totp"},
        }
        code = pyotp.TOTP(secret).at(live.sandbox.clock.time())
        verified = await client.ok("verify_totp", {"code": code, "purpose": "withdrawal"})
        assert verified["message"] == "verification successful"
        assert verified["data"]["method"] == "totp" and verified["data"]["expires_in"] == 300
        assert verified["data"]["verification_token"]
