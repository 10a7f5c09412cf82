"""The documented "Complete Withdrawal Flow" and "Complete Deposit Flow", end to end with pushes."""

from __future__ import annotations

from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket, fund
from tests.support.server import LiveServer


async def _otp_token(live: LiveServer, client, user: CashierUser) -> str:  # type: ignore[no-untyped-def]
    sent = await client.ok("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
    assert sent["message"].startswith("OTP sent to c") and sent["message"].endswith("@example.com via email")
    assert sent["data"]["method"] == "otp_email"
    assert sent["data"]["channel"] == "email"
    assert sent["data"]["next_step"] == "verify_otp"
    assert sent["data"]["expires_in"] == 180
    assert "***" in sent["data"]["recipient"]
    inbox = await live.sandbox.identity.inbox(to=user.email, purpose="withdrawal")
    code = inbox[0].code
    verified = await client.ok("verify_otp", {"code": code, "purpose": "withdrawal"})
    assert verified["message"] == "verification successful"
    assert verified["data"]["expires_in"] == 300
    assert verified["data"]["method"] == "otp_email"
    assert verified["data"]["purpose"] == "withdrawal"
    assert verified["data"]["message"] == "Use this token for your next withdrawal request"
    token: str = verified["data"]["verification_token"]
    return token


async def test_complete_withdrawal_flow(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 110000)  # 1100.00 USD
    async with cashier_socket(live, user.token) as client:
        token = await _otp_token(live, client, user)
        created = await client.ok(
            "withdraw_request",
            {"amount": 50.00, "currency": "USD", "destination": "+254712345678", "verification_token": token},
        )
        assert created["message"] == "withdrawal request created and being processed"
        body = created["data"]
        assert body["request_ref"].startswith("WDL-REQ-")
        assert body["status"] == "processing"
        assert body["withdrawal_type"] == "direct"
        assert body["amount"] == 50.0 and body["currency"] == "USD" and body["destination"] == "+254712345678"
        assert isinstance(body["created_at"], int)

        # Funds are held while processing: 50.00 + the 2% fee (1.00).
        accounts = (await client.ok("get_accounts"))["data"]["accounts"]
        usd = next(a for a in accounts if a["currency"] == "USD")
        balance = (await client.ok("get_account_balance", {"account_number": usd["account_number"]}))["data"]
        assert balance["balance"] == 1100.0
        assert balance["pending_debit"] == 51.0
        assert balance["available_balance"] == 1049.0

        # The token is single-use.
        again = await client.error(
            "withdraw_request",
            {"amount": 1, "currency": "USD", "destination": "+254712345678", "verification_token": token},
        )
        assert again == "invalid or expired verification token. Please verify again."

        await advance(live, 30)
        pushed = await client.push("withdrawal_completed")
        assert pushed["data"]["request_ref"] == body["request_ref"]
        assert pushed["data"]["receipt_code"].startswith("RCP-")
        assert pushed["data"]["balance_after"] == 1049.0
        generic = await client.push("transaction_completed")
        assert generic["data"]["transaction_type"] == "withdrawal"
        assert generic["data"]["receipt_code"] == pushed["data"]["receipt_code"]
        assert generic["data"]["balance_after"] == 1049.0 and generic["data"]["fee"] == 1.0

        balance = (await client.ok("get_account_balance", {"account_number": usd["account_number"]}))["data"]
        assert balance["balance"] == 1049.0 and balance["pending_debit"] == 0.0
        assert balance["available_balance"] == 1049.0
        history = (await client.ok("get_history", {"type": "withdrawals"}))["data"]
        assert history["withdrawals"][0]["status"] == "completed"
        assert history["withdrawals"][0]["receipt_code"] == pushed["data"]["receipt_code"]
    assert (await live.sandbox.ledger.check()).ok


async def test_agent_assisted_withdrawal(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "KES", 1_000_000)
    agents = await live.sandbox.simulators.agents.list(currency="KES")
    agent = agents[0]
    async with cashier_socket(live, user.token) as client:
        token = await _otp_token(live, client, user)
        created = (
            await client.ok(
                "withdraw_request",
                {
                    "amount": 500,
                    "currency": "KES",
                    "destination": "+254712345678",
                    "agent_id": agent.id,
                    "verification_token": token,
                },
            )
        )["data"]
        assert created["withdrawal_type"] == "agent_assisted"
        assert created["agent_id"] == agent.id and created["agent_name"] == agent.name
        assert created["agent_account"].startswith("ACC-AGENT-KES-")
        await advance(live, 30)
        pushed = (await client.push("withdrawal_completed"))["data"]
        assert pushed["request_ref"] == created["request_ref"]
        assert pushed["agent_id"] == agent.id and pushed["agent_name"] == agent.name
        assert pushed["fee_amount"] == 10.0
        assert pushed["agent_commission"] > 0
        details = (await client.ok("get_transaction_by_receipt", {"receipt_code": pushed["receipt_code"]}))["data"]
        assert details["journal"]["transaction_type"] == "TRANSACTION_TYPE_WITHDRAWAL"
        assert details["fees"] == [{"type": "FEE_TYPE_PLATFORM", "amount": 10.0, "currency": "KES"}]
    assert (await live.sandbox.ledger.check()).ok


async def test_failed_withdrawal_releases_the_hold(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    async with cashier_socket(live, user.token) as client:
        token = await _otp_token(live, client, user)
        created = (
            await client.ok(
                "withdraw_request",
                {"amount": "20.13", "currency": "USD", "destination": "+254712345678", "verification_token": token},
            )
        )["data"]
        await advance(live, 30)
        failed = (await client.push("withdrawal_failed"))["data"]
        assert failed == {"request_ref": created["request_ref"], "error": "Payment timeout"}
        generic = (await client.push("transaction_failed"))["data"]
        assert generic["transaction_type"] == "withdrawal" and generic["error"] == "Payment timeout"
        accounts = (await client.ok("get_accounts"))["data"]["accounts"]
        usd = next(a for a in accounts if a["currency"] == "USD")
        balance = (await client.ok("get_account_balance", {"account_number": usd["account_number"]}))["data"]
        assert balance["balance"] == 100.0 and balance["available_balance"] == 100.0
        assert balance["pending_debit"] == 0.0
    assert (await live.sandbox.ledger.check()).ok


async def test_complete_deposit_flow(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 100000)  # 1000.00
    async with cashier_socket(live, user.token) as client:
        created = await client.ok("deposit_request", {"amount": 100.00, "currency": "USD", "service": "mpesa"})
        assert created["message"] == "deposit request created"
        body = created["data"]
        assert body["request_ref"].startswith("DEP-REQ-")
        assert body["partner_id"].startswith("PTN-")
        assert body["partner_name"]
        assert body["status"] == "sent_to_partner"
        assert body["amount"] == 100.0 and body["currency"] == "USD"
        assert body["expires_at"].endswith("Z")

        await advance(live, 30)
        pushed = (await client.push("deposit_completed"))["data"]
        assert pushed["transaction_ref"] == body["request_ref"]
        assert pushed["receipt_code"].startswith("RCP-")
        assert pushed["amount"] == 100.0 and pushed["currency"] == "USD"
        assert pushed["fee_amount"] == 1.0
        assert pushed["user_balance"] == 1099.0
        assert pushed["payment_method"] == "mpesa"
        assert isinstance(pushed["completed_at"], int) and isinstance(pushed["journal_id"], int)
        generic = (await client.push("transaction_completed"))["data"]
        assert generic["transaction_type"] == "deposit" and generic["transaction_id"] == pushed["journal_id"]

        status = (await client.ok("get_deposit_status", {"request_ref": body["request_ref"]}))["data"]
        assert status["status"] == "completed"
        assert status["receipt_code"] == pushed["receipt_code"]
        assert status["journal_id"] == pushed["journal_id"]
        assert status["completed_at"] is not None

        details = (await client.ok("get_transaction_by_receipt", {"receipt_code": pushed["receipt_code"]}))["data"]
        assert details["journal"]["transaction_type"] == "TRANSACTION_TYPE_DEPOSIT"
        assert details["journal"]["description"].startswith("Deposit from ")
        user_leg = next(leg for leg in details["ledgers"] if leg["account_number"].startswith("ACC-USER-USD-"))
        assert user_leg["amount"] == 99.0 and user_leg["type"] == "DR_CR_CREDIT"
        assert user_leg["balance_after"] == 1099.0
        assert details["fees"] == [{"type": "FEE_TYPE_PLATFORM", "amount": 1.0, "currency": "USD"}]
    assert (await live.sandbox.ledger.check()).ok


async def test_failed_deposit_pushes_deposit_failed(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        body = (await client.ok("deposit_request", {"amount": 10.13, "currency": "USD", "service": "mpesa"}))["data"]
        await advance(live, 30)
        failed = (await client.push("deposit_failed"))["data"]
        assert failed["transaction_ref"] == body["request_ref"]
        assert failed["error_message"] == "Payment timeout"
        assert failed["amount"] == 10.13 and failed["currency"] == "USD"
        generic = (await client.push("transaction_failed"))["data"]
        assert generic["transaction_type"] == "deposit"
        status = (await client.ok("get_deposit_status", {"request_ref": body["request_ref"]}))["data"]
        assert status["status"] == "failed"


async def test_cancel_a_pending_deposit(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        # .14 stays pending at the partner until settled through the control API.
        body = (await client.ok("deposit_request", {"amount": 10.14, "currency": "USD", "partner_id": "PTN-001"}))[
            "data"
        ]
        assert body["partner_id"] == "PTN-001"
        cancelled = await client.request("cancel_deposit", {"request_ref": body["request_ref"]})
        assert cancelled["type"] == "success"
        assert cancelled["data"] == {"message": "deposit cancelled", "data": None}
        again = await client.error("cancel_deposit", {"request_ref": body["request_ref"]})
        assert again == "deposit cannot be cancelled: status is cancelled"
        status = (await client.ok("get_deposit_status", {"request_ref": body["request_ref"]}))["data"]
        assert status["status"] == "cancelled"
    operation = await live.sandbox.simulators.operations.get(body["request_ref"])
    assert operation is not None and operation.status == "cancelled"


async def test_unconfirmed_deposit_expires(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        body = (await client.ok("deposit_request", {"amount": 10.14, "currency": "USD", "service": "paypal"}))["data"]
        await advance(live, 31 * 60)
        failed = (await client.push("deposit_failed"))["data"]
        assert failed["transaction_ref"] == body["request_ref"]
        assert failed["error_message"] == "Deposit request expired"
        status = (await client.ok("get_deposit_status", {"request_ref": body["request_ref"]}))["data"]
        assert status["status"] == "expired"
