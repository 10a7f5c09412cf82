"""Each error of the contract's table, in its documented wording, on a socket that stays open."""

from __future__ import annotations

from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket, fund, make_user
from tests.support.server import LiveServer

TOKEN_REQUIRED = "verification_token is required. Please complete verification first."
TOKEN_INVALID = "invalid or expired verification token. Please verify again."


async def _token(live: LiveServer, user: CashierUser) -> str:
    await live.sandbox.identity.start_otp(user.id, "withdrawal", "email")
    inbox = await live.sandbox.identity.inbox(to=user.email, purpose="withdrawal")
    token = await live.sandbox.identity.verify_otp(user.id, "withdrawal", inbox[0].code)
    return token.token


async def test_verification_token_required(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    async with cashier_socket(live, user.token) as client:
        base = {"amount": 5, "currency": "USD", "destination": "+254712345678"}
        assert await client.error("withdraw_request", base) == TOKEN_REQUIRED
        assert await client.error("withdraw_request", {**base, "verification_token": ""}) == TOKEN_REQUIRED


async def test_invalid_or_expired_verification_token(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    async with cashier_socket(live, user.token) as client:
        base = {"amount": 5, "currency": "USD", "destination": "+254712345678"}
        assert await client.error("withdraw_request", {**base, "verification_token": "vt_made_up"}) == TOKEN_INVALID
        token = await _token(live, user)
        await advance(live, 301)  # verification tokens live 300 s on the sandbox clock
        assert await client.error("withdraw_request", {**base, "verification_token": token}) == TOKEN_INVALID


async def test_token_for_another_purpose_is_refused(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)
    await live.sandbox.identity.start_otp(user.id, "transfer", "email")
    inbox = await live.sandbox.identity.inbox(to=user.email, purpose="transfer")
    other = await live.sandbox.identity.verify_otp(user.id, "transfer", inbox[0].code)
    async with cashier_socket(live, user.token) as client:
        message = await client.error(
            "withdraw_request",
            {"amount": 5, "currency": "USD", "destination": "+254712345678", "verification_token": other.token},
        )
        assert message == TOKEN_INVALID


async def test_insufficient_balance_names_the_available_amount(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 3000)  # 30.00 USD
    token = await _token(live, user)
    async with cashier_socket(live, user.token) as client:
        message = await client.error(
            "withdraw_request",
            {"amount": 50.00, "currency": "USD", "destination": "+254712345678", "verification_token": token},
        )
        assert message == "insufficient balance: available 30.00 USD"
        other = await make_user(live, currencies=("USD",))
        transfer = await client.error("transfer", {"to_user_id": str(other.id), "amount": 30, "currency": "USD"})
        assert transfer == "insufficient balance: available 30.00 USD"  # 30.00 + the 0.60 fee does not fit


async def test_account_not_found(live: LiveServer, user: CashierUser) -> None:
    other = await make_user(live, currencies=("USD",))
    other_accounts = await live.sandbox.ledger.accounts_of("user", other.id)
    async with cashier_socket(live, user.token) as client:
        assert await client.error("get_account_balance", {"account_number": "ACC-USER-USD-999999"}) == (
            "account not found"
        )
        # Someone else's account is not found either.
        number = other_accounts[0].number
        assert await client.error("get_account_balance", {"account_number": number}) == "account not found"
        assert await client.error("get_ledgers", {"account_number": number}) == "account not found"
        assert await client.error("get_account_statement", {"account_number": number}) == "account not found"


async def test_user_has_no_accounts(live: LiveServer) -> None:
    bare = await make_user(live)
    async with cashier_socket(live, bare.token) as client:
        assert await client.error("get_accounts") == "user has no accounts"
        assert await client.error("get_owner_summary") == "user has no accounts"
        assert await client.error("get_owner_statement") == "user has no accounts"


async def test_transaction_not_found(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        missing = {"receipt_code": "RCP-2025-388065207815057408"}
        assert await client.error("get_transaction_by_receipt", missing) == "transaction not found"
        assert await client.error("get_deposit_status", {"request_ref": "DEP-REQ-20250101-001"}) == (
            "transaction not found"
        )
        assert await client.error("cancel_deposit", {"request_ref": "nope"}) == "transaction not found"


async def test_ids_that_are_not_ascii_64_bit_integers_are_refused(live: LiveServer, user: CashierUser) -> None:
    """An id is ASCII digits within 64 bits: "²" passed str.isdigit() and failed int(), 2**63 overflowed SQLite."""
    async with cashier_socket(live, user.token) as client:
        for to in ("\u00b2", "\u0661", "9223372036854775808", 2**63, -1, "+1", "1e3"):
            got = await client.error("transfer", {"to_user_id": to, "amount": 1, "currency": "USD"})
            assert got == "to_user_id must be a numeric user id", to
        for digits in ("\u00b2" * 18, "\u0661" * 18):
            receipt = {"receipt_code": f"RCP-2025-{digits}"}
            assert await client.error("get_transaction_by_receipt", receipt) == "transaction not found"


async def test_someone_elses_receipt_and_deposit_are_not_found(live: LiveServer, user: CashierUser) -> None:
    other = await make_user(live, currencies=("USD",))
    await fund(live, other.id, "USD", 5000)
    journal = (await live.sandbox.ledger.entries((await live.sandbox.ledger.accounts_of("user", other.id))[0].id))[0]
    async with cashier_socket(live, other.token) as theirs:
        deposit = (await theirs.ok("deposit_request", {"amount": 5, "currency": "USD", "service": "paypal"}))["data"]
    async with cashier_socket(live, user.token) as client:
        receipt = {"receipt_code": journal[0].receipt_code}
        assert await client.error("get_transaction_by_receipt", receipt) == "transaction not found"
        ref = {"request_ref": deposit["request_ref"]}
        assert await client.error("get_deposit_status", ref) == "transaction not found"
        assert await client.error("cancel_deposit", ref) == "transaction not found"


async def test_amount_must_be_greater_than_zero(live: LiveServer, user: CashierUser) -> None:
    other = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, user.token) as client:
        expected = "amount must be greater than zero"
        assert await client.error("deposit_request", {"amount": 0, "currency": "USD", "service": "mpesa"}) == expected
        assert await client.error("deposit_request", {"amount": -5, "currency": "USD", "service": "mpesa"}) == expected
        assert await client.error("transfer", {"to_user_id": other.id, "amount": 0, "currency": "USD"}) == expected
        assert (
            await client.error("withdraw_request", {"amount": "-1", "currency": "USD", "destination": "+2547"})
        ) == expected
        assert (
            await client.error("calculate_fee", {"transaction_type": "transfer", "amount": 0, "source_currency": "USD"})
        ) == expected


async def test_verification_errors(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        assert await client.error("verification_request", {"method": "totp", "purpose": "withdrawal"}) == (
            "2FA is not enabled for your account. Please use OTP verification instead."
        )
        await client.ok("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
        assert await client.error("verify_otp", {"code": "000000", "purpose": "withdrawal"}) in {
            "invalid OTP code",
        }
        assert await client.error("verify_totp", {"code": "123456", "purpose": "withdrawal"}) == (
            "2FA is not enabled for your account. Please use OTP verification instead."
        )
        assert await client.error("verification_request", {"method": "pigeon"}) == (
            "invalid method: must be one of totp, otp_email, otp_sms, otp_whatsapp"
        )


async def test_other_refusals_are_clear(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as client:
        assert await client.error("deposit_request", {"amount": 5, "currency": "XXX", "service": "mpesa"}) == (
            "unsupported currency: XXX"
        )
        assert await client.error("deposit_request", {"amount": 5.001, "currency": "USD", "service": "mpesa"}) == (
            "amount has too many decimal places (maximum 2)"
        )
        assert await client.error("deposit_request", {"amount": 5, "currency": "USD"}) == (
            "service is required when partner_id is not given"
        )
        assert await client.error("deposit_request", {"amount": 5, "currency": "NGN", "service": "mpesa"}) == (
            "no partner available for mpesa in NGN"
        )
        assert await client.error("deposit_request", {"amount": 5, "currency": "USD", "partner_id": "PTN-999"}) == (
            "partner not found"
        )
        assert await client.error("transfer", {"to_user_id": str(user.id), "amount": 1, "currency": "USD"}) == (
            "cannot transfer to yourself"
        )
        assert await client.error("transfer", {"to_user_id": "99999", "amount": 1, "currency": "USD"}) == (
            "recipient not found"
        )
        assert await client.error("transfer", {"to_user_id": "abc", "amount": 1, "currency": "USD"}) == (
            "to_user_id must be a numeric user id"
        )
        assert await client.error("get_history", {"type": "refunds"}) == (
            "type must be one of: all, deposits, withdrawals"
        )
        assert await client.error(
            "calculate_fee", {"transaction_type": "conversion", "amount": 1, "source_currency": "USD"}
        ) == ("target_currency is required for conversion")
        assert await client.error("get_ledgers", {"account_number": "x", "from": "yesterday"}) == "account not found"
