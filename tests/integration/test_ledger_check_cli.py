"""`paysandbox check --db PATH` on a good file, a ledger-corrupted file and a file that is not a database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from app.core.clock import SandboxClock
from app.core.ledger import LedgerService, Leg
from app.db.database import Database


def run_check(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--db", str(db)], capture_output=True, text=True, timeout=120
    )


async def build(path: Path) -> dict[str, int]:
    """A small real ledger file written through the production writer (no platforms involved)."""
    db = Database(path)
    db.open()
    try:
        ledger = LedgerService(db, SandboxClock())
        settlement = await ledger.system_account("settlement", "USD")
        alice = await ledger.open_account("user", 1, "USD")
        bob = await ledger.open_account("user", 2, "USD")
        await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, alice.id, 5_000)])
        journal = await ledger.post("TRANSACTION_TYPE_TRANSFER", [Leg(alice.id, bob.id, 1_000)])
        hold = await ledger.place_hold(alice.id, 500)
        return {"alice": alice.id, "bob": bob.id, "journal": journal.id, "hold": hold.id}
    finally:
        db.close()


async def test_check_good_then_corrupted(tmp_path: Path) -> None:
    db = tmp_path / "good.db"
    ids = await build(db)
    good = run_check(db)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ledger check: OK" in good.stdout and "journals: 2" in good.stdout

    conn = sqlite3.connect(db)
    conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = ?", (ids["bob"],))  # money from nowhere
    conn.execute("UPDATE entries SET amount = amount + 5 WHERE journal_id = ? AND side = 'C'", (ids["journal"],))
    conn.execute("UPDATE holds SET status = 'posted' WHERE id = ?", (ids["hold"],))  # posted without a journal
    conn.commit()
    conn.close()
    bad = run_check(db)
    assert bad.returncode == 1
    out = bad.stdout
    assert "FAILED" in out
    assert f"journal {ids['journal']} does not balance in USD" in out
    assert f"account {ids['bob']} balance" in out
    assert "currency USD: balances sum to 1" in out
    assert f"hold {ids['hold']} has status posted" in out
    assert f"account {ids['alice']}: pending debit 500 != open debit holds 0" in out


def test_check_negative_wallet_and_foreign_files(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    result = run_check(garbage)
    assert result.returncode == 1 and "cannot read" in result.stdout
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = run_check(empty)
    assert result.returncode == 1 and "missing table" in result.stdout
    missing = run_check(tmp_path / "nope.db")
    assert missing.returncode == 2


async def test_check_catches_an_overdrawn_wallet(tmp_path: Path) -> None:
    db = tmp_path / "overdrawn.db"
    ids = await build(db)
    conn = sqlite3.connect(db)
    # A consistent-looking overdraft: balance and last entry agree, but the wallet may not go negative.
    conn.execute("UPDATE accounts SET balance = -7 WHERE id = ?", (ids["bob"],))
    conn.commit()
    conn.close()
    out = run_check(db).stdout
    assert f"account {ids['bob']} may not go negative but has balance -7" in out
    assert "balance_after" in out
