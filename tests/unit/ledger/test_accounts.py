"""Accounts: get-or-create, numbers, lookups, flags."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound, ValidationFailed
from app.core.ledger import LedgerService


async def test_open_account_is_get_or_create(ledger: LedgerService) -> None:
    first = await ledger.open_account("user", 123, "usd")
    again = await ledger.open_account("user", 123, "USD")
    assert first == again
    assert first.number == f"ACC-USER-USD-{first.id}"
    assert first.currency == "USD" and first.purpose == "ACCOUNT_PURPOSE_WALLET" and first.type == "ACCOUNT_TYPE_REAL"
    assert (first.balance, first.available, first.pending_debit, first.pending_credit) == (0, 0, 0, 0)
    assert first.is_active and not first.is_locked and not first.allow_negative
    assert first.created_at == ledger.clock.time() and first.last_transaction_at is None
    other = await ledger.open_account("user", 123, "EUR")
    fee = await ledger.open_account("user", 123, "USD", purpose="ACCOUNT_PURPOSE_FEE")
    assert len({first.id, other.id, fee.id}) == 3


async def test_system_accounts_may_go_negative(ledger: LedgerService) -> None:
    settlement = await ledger.system_account("settlement", "USD")
    assert settlement.allow_negative and settlement.type == "ACCOUNT_TYPE_SYSTEM"
    assert settlement.number == f"ACC-SYSTEM-USD-{settlement.id}"
    assert await ledger.system_account("settlement", "USD") == settlement
    assert (await ledger.system_account("fees", "USD")).purpose == "ACCOUNT_PURPOSE_FEE"
    with pytest.raises(ValidationFailed) as info:
        await ledger.system_account("nope", "USD")
    assert info.value.code == "invalid_system_account"


async def test_lookups(ledger: LedgerService) -> None:
    partner = await ledger.open_account(
        "partner", 999, "USD", purpose="ACCOUNT_PURPOSE_SETTLEMENT", allow_negative=True
    )
    assert partner.number == f"ACC-PARTNER-USD-{partner.id}"
    assert await ledger.get_account(partner.id) == partner
    assert await ledger.get_account_by_number(partner.number) == partner
    assert await ledger.get_account(10_000) is None
    assert await ledger.get_account_by_number("ACC-USER-USD-0") is None
    await ledger.open_account("partner", 999, "KES", purpose="ACCOUNT_PURPOSE_SETTLEMENT")
    assert [a.currency for a in await ledger.accounts_of("partner", 999)] == ["USD", "KES"]
    assert await ledger.accounts_of("partner", 999, purpose="ACCOUNT_PURPOSE_WALLET") == []
    with pytest.raises(NotFound) as info:
        await ledger.balance(10_000)
    assert info.value.code == "account_not_found"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("alien", 1, "USD"), "invalid_owner_type"),
        (("user", 1, "XYZ"), "unsupported_currency"),
    ],
)
async def test_open_account_rejects(ledger: LedgerService, args: tuple[str, int, str], code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        await ledger.open_account(*args)
    assert info.value.code == code


async def test_flags(ledger: LedgerService) -> None:
    account = await ledger.open_account("user", 5, "USD")
    locked = await ledger.set_account_flags(account.id, locked=True)
    assert locked.is_locked and locked.is_active
    inactive = await ledger.set_account_flags(account.id, locked=False, active=False)
    assert not inactive.is_locked and not inactive.is_active
