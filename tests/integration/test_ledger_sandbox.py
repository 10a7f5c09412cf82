"""The ledger inside a full sandbox (all installers): wiring, the scheduler loop, snapshot-safe reads."""

from __future__ import annotations

import asyncio

from app.core.ledger import Leg
from app.runtime import Sandbox


async def test_sandbox_ledger_end_to_end(sandbox: Sandbox) -> None:
    ledger = sandbox.ledger
    wallet = await ledger.open_account("user", 42, "NGN")
    settlement = await ledger.system_account("settlement", "NGN")
    fees = await ledger.system_account("fees", "NGN")
    deposit = await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 500_000)])
    quote = await ledger.fees.quote("cashier", "withdrawal", "NGN", 100_000)
    assert quote.fee == 2_000
    hold = await ledger.place_hold(wallet.id, 100_000 + quote.fee, expires_at=sandbox.clock.time() + 3_600)
    legs = [Leg(wallet.id, settlement.id, 100_000), Leg(wallet.id, fees.id, quote.fee, kind="fee")]
    withdrawal = await ledger.post_hold(hold.id, "TRANSACTION_TYPE_WITHDRAWAL", legs, idempotency_key="wd-1")
    second = await ledger.place_hold(wallet.id, 1_000, expires_at=sandbox.clock.time() + 60)
    sandbox.clock.advance(61)
    await sandbox.scheduler.run_due()
    assert (await ledger.hold(second.id)).status == "expired"  # type: ignore[union-attr]
    account = await ledger.balance(wallet.id)
    assert (account.balance, account.pending_debit) == (398_000, 0)
    assert await ledger.journal_by_receipt(withdrawal.receipt_code) == withdrawal
    statement = await ledger.statement(wallet.id)
    assert statement.closing_balance == 398_000 and statement.count == 3
    assert statement.entries[0].receipt_code == deposit.receipt_code
    rate = await ledger.fx.rate("NGN", "USD")
    assert rate.convert(155_000) == 100  # 1550.00 NGN -> 1.00 USD
    results = await asyncio.gather(
        *(ledger.post("TRANSACTION_TYPE_TRANSFER", [Leg(wallet.id, fees.id, 10_000)]) for _ in range(60)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 39
    report = await ledger.check()
    assert report.ok, report.render()
