"""Statements and entry pages for a period on the sandbox clock."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound
from app.core.ledger import CREDIT, DEBIT, LedgerService, Leg

DAY = 86_400.0


async def test_statement_for_a_period(ledger: LedgerService) -> None:
    wallet = await ledger.open_account("user", 1, "USD")
    settlement = await ledger.system_account("settlement", "USD")
    t0 = ledger.clock.time()
    # day 0: +1000; day 1: +500, -200; day 2: +50
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 1_000)])
    ledger.clock.advance(DAY)
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 500)], description="salary")
    await ledger.post("TRANSACTION_TYPE_WITHDRAWAL", [Leg(wallet.id, settlement.id, 200)], description="atm")
    ledger.clock.advance(DAY)
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 50)])

    day1 = await ledger.statement(wallet.id, start=t0 + DAY, end=t0 + 2 * DAY)
    assert (day1.opening_balance, day1.closing_balance) == (1_000, 1_300)
    assert (day1.total_credits, day1.total_debits, day1.count) == (500, 200, 2)
    assert [(e.side, e.amount, e.balance_after, e.description) for e in day1.entries] == [
        (CREDIT, 500, 1_500, "salary"),
        (DEBIT, 200, 1_300, "atm"),
    ]
    assert day1.account.balance == 1_350
    whole = await ledger.statement(wallet.id)
    assert (whole.opening_balance, whole.closing_balance, whole.count) == (0, 1_350, 4)
    empty = await ledger.statement(wallet.id, start=t0 + 10 * DAY)
    assert (empty.opening_balance, empty.closing_balance, empty.entries) == (1_350, 1_350, [])

    page, total = await ledger.entries(wallet.id, limit=2, offset=1, newest_first=True)
    assert total == 4 and [e.amount for e in page] == [200, 500]
    page, total = await ledger.entries(wallet.id, start=t0 + DAY, limit=10)
    assert total == 3 and [e.amount for e in page] == [500, 200, 50]
    assert all(e.account_number == wallet.number and e.receipt_code.startswith("RCP-2026-") for e in page)
    with pytest.raises(NotFound):
        await ledger.statement(9_999)


async def test_last_entry_is_the_newest_and_one_index_step(ledger: LedgerService) -> None:
    wallet = await ledger.open_account("user", 1, "USD")
    settlement = await ledger.system_account("settlement", "USD")
    assert await ledger.last_entry(wallet.id) is None
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 1_000)])
    await ledger.post("TRANSACTION_TYPE_WITHDRAWAL", [Leg(wallet.id, settlement.id, 200)], description="same instant")
    newest = await ledger.last_entry(wallet.id)
    assert newest is not None and (newest.side, newest.amount, newest.description) == (DEBIT, 200, "same instant")
    # The plan walks ix_entries_account backwards: no count, no scan, no sort of the account's history.
    plan = ledger.db.peek(
        lambda c: " | ".join(
            str(r[3])
            for r in c.execute(
                "EXPLAIN QUERY PLAN SELECT e.id FROM entries e JOIN accounts a ON a.id = e.account_id"
                " WHERE e.account_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
                (wallet.id,),
            )
        )
    )
    assert "ix_entries_account" in plan and "TEMP B-TREE" not in plan, plan
