"""Postings: balanced linked journals, check-and-debit, idempotency, receipts, on_posted."""

from __future__ import annotations

import re
import sqlite3

import pytest

from app.core.errors import (
    AccountUnavailable,
    DomainError,
    IdempotencyMismatch,
    InsufficientFunds,
    NotFound,
    ValidationFailed,
)
from app.core.ledger import CREDIT, DEBIT, Account, Journal, LedgerService, Leg
from app.core.ledger.accounts import open_account_in, system_account_in
from app.core.ledger.invariants import check_connection
from app.core.ledger.models import journal_id_from_receipt, receipt_code
from app.core.ledger.postings import post_in
from app.db.database import connect

DEPOSIT = "TRANSACTION_TYPE_DEPOSIT"
TRANSFER = "TRANSACTION_TYPE_TRANSFER"


async def funded(ledger: LedgerService, owner: int, amount: int, currency: str = "USD") -> Account:
    wallet = await ledger.open_account("user", owner, currency)
    settlement = await ledger.system_account("settlement", currency)
    if amount:
        await ledger.post(DEPOSIT, [Leg(settlement.id, wallet.id, amount)])
    return await ledger.balance(wallet.id)


async def test_deposit_and_transfer_move_balances(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 10_000)
    bob = await funded(ledger, 2, 0)
    settlement = await ledger.system_account("settlement", "USD")
    assert alice.balance == 10_000 and settlement.balance == -10_000
    journal = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 2_500)], description="rent")
    assert [(e.account_id, e.side, e.amount, e.balance_after) for e in journal.entries] == [
        (alice.id, DEBIT, 2_500, 7_500),
        (bob.id, CREDIT, 2_500, 2_500),
    ]
    assert all(e.description == "rent" and e.receipt_code == journal.receipt_code for e in journal.entries)
    assert journal.entries[0].account_number == alice.number and journal.entries[1].currency == "USD"
    assert (await ledger.balance(alice.id)).balance == 7_500
    bob_now = await ledger.balance(bob.id)
    assert bob_now.balance == 2_500 and bob_now.last_transaction_at == ledger.clock.time()
    assert await ledger.journal(journal.id) == journal
    assert (await ledger.check()).ok


async def test_receipt_codes_are_deterministic_unique_and_resolvable(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 10_000)
    bob = await funded(ledger, 2, 0)
    journals = [await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 1)]) for _ in range(20)]
    codes = [j.receipt_code for j in journals]
    assert len(set(codes)) == 20
    assert all(re.fullmatch(r"RCP-2026-\d{18}", c) for c in codes)
    assert codes[0] == receipt_code(journals[0].id, journals[0].created_at)
    assert journal_id_from_receipt(codes[3]) == journals[3].id
    assert await ledger.journal_by_receipt(codes[3]) == journals[3]
    assert await ledger.journal_by_receipt("RCP-2026-000000000000000000") is None
    assert await ledger.journal_by_receipt("garbage") is None


async def test_overdraft_is_refused_and_nothing_is_written(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    with pytest.raises(InsufficientFunds) as info:
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 1_001)])
    assert info.value.code == "insufficient_funds"
    assert info.value.details["available"] == 1_000 and info.value.details["currency"] == "USD"
    assert info.value.details["account_id"] == alice.id
    assert (await ledger.balance(alice.id)).balance == 1_000
    journal = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 1_000)])
    assert journal.entries[0].balance_after == 0
    assert (await ledger.check()).ok


async def test_linked_legs_all_or_nothing(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    fees = await ledger.system_account("fees", "USD")
    # principal fits, principal + fee does not: neither leg may stay.
    with pytest.raises(InsufficientFunds):
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 990), Leg(alice.id, fees.id, 20, kind="fee")])
    assert (await ledger.balance(alice.id)).balance == 1_000
    assert (await ledger.balance(bob.id)).balance == 0
    journal = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 980), Leg(alice.id, fees.id, 20, kind="fee")])
    assert [e.balance_after for e in journal.entries_of(alice.id)] == [20, 0]
    assert journal.entries[3].kind == "fee"
    assert (await ledger.entries(alice.id))[1] == 3
    assert (await ledger.check()).ok


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "amount_not_positive"),
        (-5, "amount_not_positive"),
        (True, "invalid_amount"),
        (1.5, "invalid_amount"),
        ("100", "invalid_amount"),
        (10**18, "invalid_amount"),
        (2**70, "invalid_amount"),
    ],
)
async def test_bad_amounts(ledger: LedgerService, amount: object, code: str) -> None:
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    with pytest.raises(ValidationFailed) as info:
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, amount)])  # type: ignore[arg-type]
    assert info.value.code == code


async def test_refusals_name_their_cause(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    euro = await funded(ledger, 3, 0, "EUR")
    cases: list[tuple[Leg, type[DomainError], str]] = [
        (Leg(alice.id, alice.id, 1), ValidationFailed, "same_account"),
        (Leg(alice.id, euro.id, 1), ValidationFailed, "currency_mismatch"),
        (Leg(alice.id, 9_999, 1), NotFound, "account_not_found"),
        (Leg(9_999, alice.id, 1), NotFound, "account_not_found"),
    ]
    for leg, kind, code in cases:
        with pytest.raises(kind) as info:
            await ledger.post(TRANSFER, [leg])
        assert info.value.code == code, leg
    for leg, code in (
        (Leg("1", bob.id, 1), "invalid_account"),
        (Leg(alice.id, bob.id, 1, kind=None), "invalid_leg_kind"),
    ):  # type: ignore[arg-type]
        with pytest.raises(ValidationFailed) as bad:
            await ledger.post(TRANSFER, [leg])
        assert bad.value.code == code
    with pytest.raises(ValidationFailed) as empty:
        await ledger.post(TRANSFER, [])
    assert empty.value.code == "no_legs"
    await ledger.set_account_flags(bob.id, locked=True)
    with pytest.raises(AccountUnavailable) as locked:
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 1)])
    assert locked.value.code == "account_locked"
    await ledger.set_account_flags(bob.id, locked=False, active=False)
    with pytest.raises(AccountUnavailable) as inactive:
        await ledger.post(TRANSFER, [Leg(bob.id, alice.id, 1)])
    assert inactive.value.code == "account_inactive"
    assert (await ledger.balance(alice.id)).balance == 1_000
    assert (await ledger.check()).ok


async def test_idempotent_replay_posts_nothing(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 10_000)
    bob = await funded(ledger, 2, 0)
    first = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 100)], idempotency_key="tx-1", metadata={"a": 1})
    assert not first.replayed and first.idempotency_key == "tx-1" and first.metadata == {"a": 1}
    again = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 100)], idempotency_key="tx-1", description="retry")
    assert again.replayed and again.id == first.id and again.entries == first.entries
    assert again.receipt_code == first.receipt_code
    assert (await ledger.balance(bob.id)).balance == 100
    assert await ledger.journal_by_key("tx-1") == first
    assert await ledger.journal_by_key("tx-unknown") is None


async def test_idempotency_mismatch_names_what_differs(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 10_000)
    bob = await funded(ledger, 2, 0)
    carol = await funded(ledger, 3, 0)
    await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 100)], idempotency_key="tx-2")
    attempts = [
        (TRANSFER, [Leg(alice.id, bob.id, 101)], ["amount"]),
        (TRANSFER, [Leg(alice.id, carol.id, 100)], ["credit_account"]),
        ("TRANSACTION_TYPE_PAYMENT", [Leg(alice.id, bob.id, 100)], ["type"]),
        (TRANSFER, [Leg(alice.id, bob.id, 100), Leg(alice.id, carol.id, 1)], ["legs"]),
        (TRANSFER, [Leg(alice.id, bob.id, 100, kind="fee")], ["kind"]),
    ]
    for type_, legs, differs in attempts:
        with pytest.raises(IdempotencyMismatch) as info:
            await ledger.post(type_, legs, idempotency_key="tx-2")
        assert info.value.code == "idempotency_mismatch"
        assert info.value.details["differs"] == differs
        assert differs[0] in info.value.message and "tx-2" in info.value.message
    assert (await ledger.balance(bob.id)).balance == 100
    assert (await ledger.balance(carol.id)).balance == 0


async def test_failed_posting_does_not_consume_its_key(ledger: LedgerService) -> None:
    alice = await funded(ledger, 1, 100)
    bob = await funded(ledger, 2, 0)
    with pytest.raises(InsufficientFunds):
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 500)], idempotency_key="tx-3")
    settlement = await ledger.system_account("settlement", "USD")
    await ledger.post(DEPOSIT, [Leg(settlement.id, alice.id, 400)])
    journal = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 500)], idempotency_key="tx-3")
    assert not journal.replayed


async def test_on_posted_writes_atomically_and_is_not_rerun(ledger: LedgerService) -> None:
    await ledger.db.execute("CREATE TABLE platform_rows (journal_id INTEGER, note TEXT)")
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    calls: list[int] = []

    def record(conn: sqlite3.Connection, journal: Journal) -> str:
        calls.append(journal.id)
        conn.execute("INSERT INTO platform_rows VALUES (?, ?)", (journal.id, journal.receipt_code))
        return "TXN-" + str(journal.id)

    first = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 10)], idempotency_key="k", on_posted=record)
    assert first.extra == f"TXN-{first.id}"
    again = await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 10)], idempotency_key="k", on_posted=record)
    assert again.replayed and calls == [first.id]

    def explode(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute("INSERT INTO platform_rows VALUES (?, 'doomed')", (journal.id,))
        raise RuntimeError("platform bug")

    with pytest.raises(RuntimeError):
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 10)], on_posted=explode)
    rows = await ledger.db.fetchall("SELECT note FROM platform_rows")
    assert [r[0] for r in rows] == [first.receipt_code]
    assert (await ledger.balance(alice.id)).balance == 990
    assert (await ledger.check()).ok


def test_sync_twin_on_a_plain_connection(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The seeder's path: many post_in calls on one plain connection inside one transaction."""
    from app.db.migrations import apply_migrations

    conn = connect(tmp_path / "seed.db")
    apply_migrations(conn)
    now = 1_767_225_600.0
    conn.execute("BEGIN")
    wallet = open_account_in(conn, now, "user", 1, "KES")
    settlement = system_account_in(conn, now, "settlement", "KES")
    for i in range(200):
        post_in(conn, now + i, DEPOSIT, [Leg(settlement.id, wallet.id, 100)], idempotency_key=f"seed-{i}")
    with pytest.raises(InsufficientFunds):
        post_in(conn, now, TRANSFER, [Leg(wallet.id, settlement.id, 10**9)])
    conn.execute("COMMIT")
    assert conn.execute("SELECT balance FROM accounts WHERE id = ?", (wallet.id,)).fetchone()[0] == 20_000
    assert conn.execute("SELECT count(*) FROM journals").fetchone()[0] == 200
    assert check_connection(conn).ok
    conn.close()


async def test_multi_leg_refusal_reports_the_balance_before_the_posting(ledger: LedgerService) -> None:
    """A fee leg refused after its principal moved: ``available`` is what the caller had, not what was left."""
    alice = await funded(ledger, 1, 1_000)
    bob = await funded(ledger, 2, 0)
    fees = await ledger.system_account("fees", "USD")
    with pytest.raises(InsufficientFunds) as info:
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 900), Leg(alice.id, fees.id, 150, kind="fee")])
    assert info.value.details["available"] == 1_000
    assert info.value.details["required"] == 1_050
    assert info.value.details["account_id"] == alice.id
    assert "available 1000" in info.value.message
    assert (await ledger.balance(alice.id)).balance == 1_000
    # Money credited by an earlier leg counts too: bob receives 900 and passes 950 on.
    with pytest.raises(InsufficientFunds) as relay:
        await ledger.post(TRANSFER, [Leg(alice.id, bob.id, 900), Leg(bob.id, fees.id, 950, kind="fee")])
    assert relay.value.details["available"] == 0 and relay.value.details["required"] == 50
    assert (await ledger.check()).ok
