"""Flows 3-5: deposit, transfer, withdrawal; idempotency, limits, races; ledger invariants after each."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from tests.contract.nivo.conftest import Nivo, NivoUser

DEPOSIT = "/api/v1/transaction/transactions/deposit"
TRANSFER = "/api/v1/transaction/transactions/transfer"
WITHDRAWAL = "/api/v1/transaction/transactions/withdrawal"


async def sender_and_recipient(nivo: Nivo, deposit: str) -> tuple[NivoUser, NivoUser, str, str]:
    """Alice with an active INR wallet holding ``deposit``, Bob with an empty one."""
    alice = await nivo.user("Alice A")
    bob = await nivo.user("Bob B")
    return alice, bob, await nivo.wallet(alice, deposit=deposit), await nivo.wallet(bob)


async def test_deposit_is_double_entry_against_settlement(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    data = await nivo.deposit(user, wallet_id, "5000.00")
    assert set(data) >= {"id", "type", "to_wallet_id", "amount", "currency", "status", "description", "created_at"}
    assert data["type"] == "deposit" and data["status"] == "completed" and data["amount"] == "5000.00"
    row = await nivo.sandbox.db.fetchone("SELECT journal_id FROM nivo_transactions WHERE id = ?", (data["id"],))
    journal = await nivo.sandbox.ledger.journal(row["journal_id"])
    assert journal is not None and journal.type == "TRANSACTION_TYPE_DEPOSIT"
    settlement = await nivo.sandbox.ledger.system_account("settlement", "INR")
    sides = {(e.account_id, e.side, e.amount) for e in journal.entries}
    assert (settlement.id, "DR_CR_DEBIT", 500_000) in sides
    assert (await nivo.balance(user, wallet_id))["balance"] == "5000.00"
    # Numbers are accepted as amounts too; JPY has no decimals.
    await nivo.ok("POST", DEPOSIT, user, {"wallet_id": wallet_id, "amount": 12.5}, status=201)
    assert (await nivo.balance(user, wallet_id))["balance"] == "5012.50"
    assert (await nivo.sandbox.ledger.check()).ok


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("abc", "VALIDATION_ERROR"),
        ("-5.00", "VALIDATION_ERROR"),
        ("0", "VALIDATION_ERROR"),
        ("1.001", "VALIDATION_ERROR"),
        ("NaN", "VALIDATION_ERROR"),
        (True, "VALIDATION_ERROR"),
        ("Infinity", "VALIDATION_ERROR"),
    ],
)
async def test_deposit_amount_validation(nivo: Nivo, amount: object, code: str) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user)
    await nivo.error("POST", DEPOSIT, user, {"wallet_id": wallet_id, "amount": amount}, 400, code)
    assert (await nivo.balance(user, wallet_id))["balance"] == "0.00"


async def test_deposit_currency_and_ownership(nivo: Nivo) -> None:
    user = await nivo.user()
    other = await nivo.user("Someone Else")
    wallet_id = await nivo.wallet(user)
    await nivo.error(
        "POST", DEPOSIT, user, {"wallet_id": wallet_id, "amount": "1.00", "currency": "USD"}, 400, "BAD_REQUEST"
    )
    await nivo.error("POST", DEPOSIT, other, {"wallet_id": wallet_id, "amount": "1.00"}, 403, "FORBIDDEN")
    await nivo.error(
        "POST",
        DEPOSIT,
        user,
        {"wallet_id": "00000000-0000-4000-8000-000000000000", "amount": "1.00"},
        404,
        "NOT_FOUND",
    )


async def test_transfer_between_users(nivo: Nivo) -> None:
    alice, bob, a, b = await sender_and_recipient(nivo, "10000.00")
    data = await nivo.ok(
        "POST",
        TRANSFER,
        alice,
        {
            "from_wallet_id": a,
            "to_wallet_id": b,
            "amount": "1500.00",
            "currency": "INR",
            "description": "Payment for services",
        },
        status=201,
    )
    assert data["type"] == "transfer" and data["from_wallet_id"] == a and data["to_wallet_id"] == b
    assert data["amount"] == "1500.00" and data["currency"] == "INR" and data["status"] == "completed"
    assert (await nivo.balance(alice, a))["balance"] == "8500.00"
    assert (await nivo.balance(bob, b))["balance"] == "1500.00"
    # Bob sees the transaction too (he owns the receiving wallet).
    got = await nivo.ok("GET", f"/api/v1/transaction/transactions/{data['id']}", bob)
    assert got["id"] == data["id"]
    assert (await nivo.sandbox.ledger.check()).ok


async def test_transfer_rules(nivo: Nivo) -> None:
    alice = await nivo.user("Alice A")
    bob = await nivo.user("Bob B")
    a = await nivo.wallet(alice, deposit="100.00")
    a_usd = await nivo.wallet(alice, "USD", deposit="10.00")
    b = await nivo.wallet(bob)
    b_pending = await nivo.wallet(bob, "USD", activate=False)

    def body(src: str, dst: str, amount: str = "10.00", **extra: object) -> dict[str, object]:
        return {"from_wallet_id": src, "to_wallet_id": dst, "amount": amount, **extra}

    await nivo.error("POST", TRANSFER, bob, body(a, b), 403, "FORBIDDEN")  # not the source's owner
    await nivo.error("POST", TRANSFER, alice, body(a, a), 400, "BAD_REQUEST")
    await nivo.error("POST", TRANSFER, alice, body(a, a_usd), 400, "BAD_REQUEST")  # currencies differ
    await nivo.error("POST", TRANSFER, alice, body(a, b, currency="USD"), 400, "BAD_REQUEST")
    await nivo.error("POST", TRANSFER, alice, body(a_usd, b_pending), 400, "BAD_REQUEST")  # destination pending
    await nivo.error("POST", TRANSFER, alice, body(a, "00000000-0000-4000-8000-000000000000"), 404, "NOT_FOUND")
    message = await nivo.error("POST", TRANSFER, alice, body(a, b, "100.01"), 412, "INSUFFICIENT_FUNDS")
    assert "nsufficient" in message
    assert (await nivo.balance(alice, a))["balance"] == "100.00"
    assert (await nivo.balance(bob, b))["balance"] == "0.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_withdrawal_and_insufficient_funds_412(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="3000.00")
    data = await nivo.ok(
        "POST",
        WITHDRAWAL,
        user,
        {"wallet_id": wallet_id, "amount": "2000.00", "currency": "INR", "description": "Cash withdrawal"},
        status=201,
    )
    assert data["type"] == "withdrawal" and data["from_wallet_id"] == wallet_id and data["amount"] == "2000.00"
    resp = await nivo.call("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "2000.00", "currency": "INR"})
    assert resp.status_code == 412
    assert resp.json() == {
        "success": False,
        "error": {"code": "INSUFFICIENT_FUNDS", "message": "Wallet balance insufficient for withdrawal"},
    }
    assert (await nivo.balance(user, wallet_id))["balance"] == "1000.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_idempotency_key_replays_and_mismatch(nivo: Nivo) -> None:
    alice, bob, a, b = await sender_and_recipient(nivo, "1000.00")
    body = {"from_wallet_id": a, "to_wallet_id": b, "amount": "100.00"}
    headers = {"Idempotency-Key": "transfer-1"}
    first = await nivo.ok("POST", TRANSFER, alice, body, status=201, headers=headers)
    again = await nivo.ok("POST", TRANSFER, alice, body, status=201, headers=headers)
    assert again["id"] == first["id"]
    assert (await nivo.balance(alice, a))["balance"] == "900.00"
    await nivo.error("POST", TRANSFER, alice, {**body, "amount": "200.00"}, 409, "CONFLICT", headers=headers)
    # Without a key each request is its own transfer (a key is generated per request).
    await nivo.ok("POST", TRANSFER, alice, body, status=201)
    await nivo.ok("POST", TRANSFER, alice, body, status=201)
    assert (await nivo.balance(alice, a))["balance"] == "700.00"
    # Deposits honour the header too.
    d1 = await nivo.ok(
        "POST", DEPOSIT, alice, {"wallet_id": a, "amount": "5.00"}, status=201, headers={"Idempotency-Key": "dep-1"}
    )
    d2 = await nivo.ok(
        "POST", DEPOSIT, alice, {"wallet_id": a, "amount": "5.00"}, status=201, headers={"Idempotency-Key": "dep-1"}
    )
    assert d1["id"] == d2["id"]
    assert (await nivo.balance(alice, a))["balance"] == "705.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_wallet_daily_limit_limit_exceeded(nivo: Nivo) -> None:
    nivo.sandbox.clock.freeze()
    nivo.sandbox.clock.set(datetime(2025, 3, 10, 10, 0, tzinfo=UTC).timestamp())  # mid-day, mid-month
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="300000.00")
    await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "150000.00"}, status=201)
    message = await nivo.error(
        "POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "60000.00"}, 412, "LIMIT_EXCEEDED"
    )
    assert "Daily" in message
    assert (await nivo.balance(user, wallet_id))["balance"] == "150000.00"
    # The next UTC day the limit is fresh.
    now = nivo.sandbox.clock.time()
    nivo.sandbox.clock.advance(86_400 - now % 86_400 + 1)
    await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "60000.00"}, status=201)
    assert (await nivo.sandbox.ledger.check()).ok


async def test_wallet_monthly_limit_counts_across_days_and_clock_jumps(nivo: Nivo) -> None:
    clock = nivo.sandbox.clock
    clock.freeze()
    clock.set(datetime(2025, 3, 1, 10, 0, tzinfo=UTC).timestamp())
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="1200000.00")
    withdraw = {"wallet_id": wallet_id, "amount": "150000.00"}
    for _ in range(6):  # 900,000.00 over six days, each within the daily limit
        await nivo.ok("POST", WITHDRAWAL, user, withdraw, status=201)
        clock.advance(86_400)
        user = await nivo.relogin(user)  # tokens live a day on the sandbox clock
    message = await nivo.error("POST", WITHDRAWAL, user, withdraw, 412, "LIMIT_EXCEEDED")
    assert "Monthly" in message  # 1,050,000.00 > 1,000,000.00
    await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "100000.00"}, status=201)
    # Back to the first day of the month: that day's total is recounted from its rows (150,000.00 used).
    clock.set(datetime(2025, 3, 1, 12, 0, tzinfo=UTC).timestamp())
    message = await nivo.error(
        "POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "60000.00"}, 412, "LIMIT_EXCEEDED"
    )
    assert "Daily" in message
    clock.set(datetime(2025, 4, 1, 9, 0, tzinfo=UTC).timestamp())  # a new month starts from zero
    user = await nivo.relogin(user)
    await nivo.ok("POST", WITHDRAWAL, user, withdraw, status=201)
    assert (await nivo.balance(user, wallet_id))["balance"] == "50000.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_concurrent_withdrawals_never_overdraw(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="1000.00")
    body = {"wallet_id": wallet_id, "amount": "100.00"}
    responses = await asyncio.gather(*(nivo.call("POST", WITHDRAWAL, user, body) for _ in range(25)))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 10
    assert all(r.json()["error"]["code"] == "INSUFFICIENT_FUNDS" for r in responses if r.status_code != 201)
    assert (await nivo.balance(user, wallet_id))["balance"] == "0.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_concurrent_transfers_with_one_key_post_once(nivo: Nivo) -> None:
    alice, bob, a, b = await sender_and_recipient(nivo, "1000.00")
    body = {"from_wallet_id": a, "to_wallet_id": b, "amount": "250.00"}
    responses = await asyncio.gather(
        *(nivo.call("POST", TRANSFER, alice, body, headers={"Idempotency-Key": "race-1"}) for _ in range(10))
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    assert len({r.json()["data"]["id"] for r in responses}) == 1
    assert (await nivo.balance(alice, a))["balance"] == "750.00"
    assert (await nivo.balance(bob, b))["balance"] == "250.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_transfer_reports_wallet_problems_before_amount_problems(nivo: Nivo) -> None:
    """The amount is parsed before the write job; its errors still come after the wallet checks."""
    alice, bob, a, b = await sender_and_recipient(nivo, "100.00")
    unknown = "00000000-0000-4000-8000-000000000000"

    def body(src: str, dst: str, amount: object, **extra: object) -> dict[str, object]:
        return {"from_wallet_id": src, "to_wallet_id": dst, "amount": amount, **extra}

    await nivo.error("POST", TRANSFER, alice, body(unknown, b, "1.001", currency="INR"), 404, "NOT_FOUND")
    await nivo.error("POST", TRANSFER, bob, body(a, b, "abc", currency="INR"), 403, "FORBIDDEN")
    await nivo.error("POST", TRANSFER, alice, body(a, b, "1.001", currency="USD"), 400, "BAD_REQUEST")
    await nivo.error("POST", TRANSFER, alice, body(a, b, "1.001", currency="INR"), 400, "VALIDATION_ERROR")
    await nivo.error("POST", TRANSFER, alice, body(a, b, "1.001"), 400, "VALIDATION_ERROR")  # no currency given
    await nivo.error("POST", TRANSFER, alice, body(a, b, "1.00", currency="XX1"), 400, "VALIDATION_ERROR")
    await nivo.ok("POST", TRANSFER, alice, body(a, b, "1.50", currency="inr"), status=201)
    await nivo.ok("POST", TRANSFER, alice, body(a, b, 2), status=201)
    assert (await nivo.balance(alice, a))["balance"] == "96.50"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_freeze_racing_transfers_is_atomic_with_the_debit(nivo: Nivo) -> None:
    """Wallet status is read in the transfer's write job: every debit happened while the wallet was active."""
    alice, bob, a, b = await sender_and_recipient(nivo, "1000.00")
    body = {"from_wallet_id": a, "to_wallet_id": b, "amount": "1.00"}
    transfers = [nivo.call("POST", TRANSFER, alice, body) for _ in range(30)]
    freeze = nivo.call("POST", f"/api/v1/wallet/wallets/{a}/freeze", alice)
    responses = await asyncio.gather(*transfers[:15], freeze, *transfers[15:])
    assert responses[15].status_code == 200, responses[15].text
    moved = [r for i, r in enumerate(responses) if i != 15 and r.status_code == 201]
    refused = [r for i, r in enumerate(responses) if i != 15 and r.status_code != 201]
    assert all(r.json()["error"]["code"] == "ACCOUNT_FROZEN" for r in refused)
    frozen_at = (await nivo.sandbox.db.fetchone("SELECT updated_at FROM nivo_wallets WHERE id = ?", (a,)))[0]
    rows = await nivo.sandbox.db.fetchall("SELECT created_at FROM nivo_transactions WHERE from_wallet_id = ?", (a,))
    assert len(rows) == len(moved) and all(row[0] <= frozen_at for row in rows)
    assert (await nivo.balance(alice, a))["balance"] == f"{1000 - len(moved)}.00"
    await nivo.error("POST", TRANSFER, alice, body, 412, "ACCOUNT_FROZEN")
    assert (await nivo.sandbox.ledger.check()).ok


async def test_daily_and_monthly_limits_reset_at_midnight_utc_over_the_year_end(nivo: Nivo) -> None:
    clock = nivo.sandbox.clock
    clock.freeze()
    clock.set(datetime(2026, 12, 31, 23, 59, 50, tzinfo=UTC).timestamp())
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="1200000.00")
    await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "200000.00"}, status=201)
    message = await nivo.error(
        "POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "1.00"}, 412, "LIMIT_EXCEEDED"
    )
    assert "Daily" in message  # 200,000.00 is the whole day's limit
    clock.set(datetime(2027, 1, 1, 0, 0, 0, tzinfo=UTC).timestamp())  # ten seconds later: a new day, month, year
    await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "200000.00"}, status=201)
    assert (await nivo.balance(user, wallet_id))["balance"] == "800000.00"
    assert (await nivo.sandbox.ledger.check()).ok
