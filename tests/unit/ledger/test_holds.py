"""Two-phase holds: place, post in full or in part, void, expire on the sandbox clock."""

from __future__ import annotations

import pytest

from app.core.errors import DomainError, IdempotencyMismatch, InsufficientFunds, NotFound, ValidationFailed
from app.core.ledger import Account, LedgerService, Leg

WITHDRAWAL = "TRANSACTION_TYPE_WITHDRAWAL"


async def wallet_with(ledger: LedgerService, amount: int) -> tuple[Account, Account]:
    wallet = await ledger.open_account("user", 1, "USD")
    settlement = await ledger.system_account("settlement", "USD")
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, amount)])
    return wallet, settlement


async def test_debit_hold_reduces_available_until_posted(ledger: LedgerService) -> None:
    wallet, settlement = await wallet_with(ledger, 10_000)
    hold = await ledger.place_hold(wallet.id, 4_000, reference="wd-1")
    assert hold.status == "open" and hold.direction == "debit" and hold.journal_id is None
    seen = await ledger.balance(wallet.id)
    assert (seen.balance, seen.pending_debit, seen.available) == (10_000, 4_000, 6_000)
    # Spending beyond available is refused even though the balance would cover it.
    with pytest.raises(InsufficientFunds) as info:
        await ledger.post("TRANSACTION_TYPE_TRANSFER", [Leg(wallet.id, settlement.id, 6_001)])
    assert info.value.details["available"] == 6_000
    with pytest.raises(InsufficientFunds):
        await ledger.place_hold(wallet.id, 6_001)
    journal = await ledger.post_hold(hold.id, WITHDRAWAL, [Leg(wallet.id, settlement.id, 4_000)])
    after = await ledger.balance(wallet.id)
    assert (after.balance, after.pending_debit, after.available) == (6_000, 0, 6_000)
    posted = await ledger.hold(hold.id)
    assert posted is not None and posted.status == "posted" and posted.journal_id == journal.id
    with pytest.raises(DomainError) as again:
        await ledger.post_hold(hold.id, WITHDRAWAL, [Leg(wallet.id, settlement.id, 4_000)])
    assert again.value.code == "hold_not_open"
    with pytest.raises(DomainError) as void_posted:
        await ledger.void_hold(hold.id)
    assert void_posted.value.code == "hold_not_open"
    assert (await ledger.check()).ok


async def test_partial_post_releases_the_rest(ledger: LedgerService) -> None:
    wallet, settlement = await wallet_with(ledger, 10_000)
    fees = await ledger.system_account("fees", "USD")
    hold = await ledger.place_hold(wallet.id, 5_000)
    with pytest.raises(ValidationFailed) as too_much:
        await ledger.post_hold(hold.id, WITHDRAWAL, [Leg(wallet.id, settlement.id, 5_001)])
    assert too_much.value.code == "hold_amount_exceeded"
    assert (await ledger.hold(hold.id)).status == "open"  # type: ignore[union-attr]
    legs = [Leg(wallet.id, settlement.id, 3_000), Leg(wallet.id, fees.id, 60, kind="fee")]
    await ledger.post_hold(hold.id, WITHDRAWAL, legs, idempotency_key="wd-2")
    after = await ledger.balance(wallet.id)
    assert (after.balance, after.pending_debit) == (6_940, 0)
    replay = await ledger.post_hold(hold.id, WITHDRAWAL, legs, idempotency_key="wd-2")
    assert replay.replayed
    with pytest.raises(IdempotencyMismatch):
        await ledger.post_hold(hold.id, WITHDRAWAL, legs[:1], idempotency_key="wd-2")
    assert (await ledger.check()).ok


async def test_void_is_idempotent_and_restores_available(ledger: LedgerService) -> None:
    wallet, _ = await wallet_with(ledger, 1_000)
    hold = await ledger.place_hold(wallet.id, 1_000)
    assert (await ledger.balance(wallet.id)).available == 0
    voided = await ledger.void_hold(hold.id, reason="partner failed")
    assert voided.status == "voided" and voided.reason == "partner failed"
    assert (await ledger.void_hold(hold.id)).status == "voided"
    assert (await ledger.balance(wallet.id)).available == 1_000
    with pytest.raises(NotFound):
        await ledger.void_hold(9_999)
    assert (await ledger.check()).ok


async def test_credit_hold_shows_pending_credit(ledger: LedgerService) -> None:
    wallet, settlement = await wallet_with(ledger, 100)
    hold = await ledger.place_hold(wallet.id, 500, direction="credit", reference="dep-1")
    seen = await ledger.balance(wallet.id)
    assert (seen.balance, seen.pending_credit, seen.available) == (100, 500, 100)
    await ledger.post_hold(hold.id, "TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 500)])
    after = await ledger.balance(wallet.id)
    assert (after.balance, after.pending_credit) == (600, 0)
    assert (await ledger.check()).ok


async def test_hold_idempotency_key(ledger: LedgerService) -> None:
    wallet, _ = await wallet_with(ledger, 1_000)
    first = await ledger.place_hold(wallet.id, 300, idempotency_key="h-1")
    assert await ledger.place_hold(wallet.id, 300, idempotency_key="h-1") == first
    with pytest.raises(IdempotencyMismatch) as info:
        await ledger.place_hold(wallet.id, 301, idempotency_key="h-1")
    assert info.value.details["differs"] == ["amount"]
    assert (await ledger.balance(wallet.id)).pending_debit == 300


async def test_hold_expires_on_the_sandbox_clock(ledger: LedgerService) -> None:
    wallet, _ = await wallet_with(ledger, 1_000)
    now = ledger.clock.time()
    hold = await ledger.place_hold(wallet.id, 700, expires_at=now + 600)
    keep = await ledger.place_hold(wallet.id, 100, expires_at=now + 600)
    await ledger.void_hold(keep.id)
    assert ledger.scheduler is not None
    assert await ledger.scheduler.run_due() == 0
    ledger.clock.advance(599)
    assert await ledger.scheduler.run_due() == 0
    assert (await ledger.hold(hold.id)).status == "open"  # type: ignore[union-attr]
    ledger.clock.advance(1)
    assert await ledger.scheduler.run_due() == 1  # the voided hold's job was cancelled
    expired = await ledger.hold(hold.id)
    assert expired is not None and expired.status == "expired" and expired.resolved_at == now + 600
    assert (await ledger.balance(wallet.id)).available == 1_000
    assert await ledger.holds_of(wallet.id, status="open") == []
    assert (await ledger.check()).ok


@pytest.mark.parametrize(
    ("amount", "direction", "code"), [(0, "debit", "amount_not_positive"), (5, "up", "invalid_direction")]
)
async def test_bad_holds(ledger: LedgerService, amount: int, direction: str, code: str) -> None:
    wallet, _ = await wallet_with(ledger, 1_000)
    with pytest.raises(ValidationFailed) as info:
        await ledger.place_hold(wallet.id, amount, direction=direction)
    assert info.value.code == code
