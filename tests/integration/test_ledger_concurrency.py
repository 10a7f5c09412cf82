"""Hundreds of simultaneous postings on a few hot accounts through the group-committing writer."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.clock import SandboxClock
from app.core.errors import DomainError, IdempotencyMismatch, InsufficientFunds
from app.core.ledger import Journal, LedgerService, Leg
from app.core.scheduler import Scheduler
from app.db.database import Database


@pytest.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[LedgerService]:
    """The ledger core alone on a real SQLite file with the production writer settings (batch 512).

    It does not use the ``sandbox`` fixture so that platform packages under construction cannot
    break the ledger's own concurrency tests.
    """
    db = Database(tmp_path / "concurrency.db", batch_max=512)
    db.open()
    clock = SandboxClock()
    try:
        yield LedgerService(db, clock, Scheduler(db, clock))
    finally:
        db.close()


async def test_hot_accounts_with_overdraft_attempts(ledger: LedgerService) -> None:
    rng = random.Random(7)
    settlement = await ledger.system_account("settlement", "USD")
    fees = await ledger.system_account("fees", "USD")
    wallets = [await ledger.open_account("user", i, "USD") for i in range(4)]
    for w in wallets:
        await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, w.id, 5_000)])

    async def attempt(i: int) -> Journal:
        a, b = rng.sample(wallets, 2)
        amount = rng.choice([1, 50, 700, 2_000, 4_999, 9_000, 20_000])  # many exceed any balance
        legs = [Leg(a.id, b.id, amount), Leg(a.id, fees.id, max(1, amount // 100), kind="fee")]
        return await ledger.post("TRANSACTION_TYPE_TRANSFER", legs, idempotency_key=f"c-{i}")

    results = await asyncio.gather(*(attempt(i) for i in range(600)), return_exceptions=True)
    journals = [r for r in results if isinstance(r, Journal)]
    failures = [r for r in results if isinstance(r, BaseException)]
    assert journals and failures, "the mix must contain both successes and refused overdrafts"
    assert all(isinstance(f, InsufficientFunds) for f in failures), failures[:3]

    expected = {w.id: 5_000 for w in wallets}
    fee_total = 0
    for journal in journals:
        for entry in journal.entries:
            if entry.account_id in expected:
                expected[entry.account_id] += entry.signed_amount
            else:
                fee_total += entry.signed_amount
    for w in wallets:
        now = await ledger.balance(w.id)
        assert now.balance == expected[w.id] >= 0
    assert (await ledger.balance(fees.id)).balance == fee_total
    assert ledger.db.writer.stats.max_batch > 1
    report = await ledger.check()
    assert report.ok, report.render()


async def test_double_spend_race_has_one_winner(ledger: LedgerService) -> None:
    settlement = await ledger.system_account("settlement", "KES")
    wallet = await ledger.open_account("user", 1, "KES")
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 10_000)])
    results = await asyncio.gather(
        *(ledger.post("TRANSACTION_TYPE_WITHDRAWAL", [Leg(wallet.id, settlement.id, 10_000)]) for _ in range(200)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Journal) for r in results) == 1
    assert sum(isinstance(r, InsufficientFunds) for r in results) == 199
    assert (await ledger.balance(wallet.id)).balance == 0
    assert (await ledger.check()).ok


async def test_concurrent_holds_posts_voids_and_retries(ledger: LedgerService) -> None:
    settlement = await ledger.system_account("settlement", "EUR")
    wallet = await ledger.open_account("user", 9, "EUR")
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 30_000)])

    async def withdraw(i: int) -> str:
        try:
            hold = await ledger.place_hold(wallet.id, 1_000, reference=f"wd-{i}", idempotency_key=f"h-{i}")
        except InsufficientFunds:
            return "refused"
        if i % 3 == 0:
            await ledger.void_hold(hold.id, reason="failed")
            return "voided"
        legs = [Leg(wallet.id, settlement.id, 1_000)]
        key = f"wd-{i}"
        # The same completion sent twice at once (a retried request): one journal.
        first, second = await asyncio.gather(
            ledger.post_hold(hold.id, "TRANSACTION_TYPE_WITHDRAWAL", legs, idempotency_key=key),
            ledger.post_hold(hold.id, "TRANSACTION_TYPE_WITHDRAWAL", legs, idempotency_key=key),
        )
        assert first.id == second.id and (first.replayed or second.replayed)
        return "posted"

    outcomes = await asyncio.gather(*(withdraw(i) for i in range(300)), return_exceptions=True)
    assert not [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, DomainError)]
    posted = outcomes.count("posted")
    account = await ledger.balance(wallet.id)
    assert account.balance == 30_000 - 1_000 * posted and account.pending_debit == 0
    assert account.balance >= 0 and "refused" in outcomes
    report = await ledger.check()
    assert report.ok, report.render()


async def test_same_key_raced_with_different_amounts(ledger: LedgerService) -> None:
    settlement = await ledger.system_account("settlement", "GBP")
    wallet = await ledger.open_account("user", 3, "GBP")
    results = await asyncio.gather(
        *(
            ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 100 + i % 2)], idempotency_key="dup")
            for i in range(100)
        ),
        return_exceptions=True,
    )
    journals = [r for r in results if isinstance(r, Journal)]
    mismatches = [r for r in results if isinstance(r, IdempotencyMismatch)]
    assert len(journals) + len(mismatches) == 100
    assert len({j.id for j in journals}) == 1 and sum(not j.replayed for j in journals) == 1
    first_amount = next(j for j in journals if not j.replayed).entries[0].amount
    assert all(m.details["differs"] == ["amount"] for m in mismatches)
    assert (await ledger.balance(wallet.id)).balance == first_amount
    assert (await ledger.check()).ok
