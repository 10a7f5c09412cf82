"""Seeded data (issue 12): determinism, invariants, demo accounts, the CLI and sandbox.db.example."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

from app.cli import main as cli_main
from app.core.identity.passwords import verify_password_sync
from app.core.ledger.invariants import check_file
from app.db.migrations import available_migrations
from app.settings import DEFAULT_EXAMPLE_DB
from seeds.accounts import demo_table, documented_table
from seeds.constants import CURRENCIES, DAVE_TOTP_SECRET, DEMO_PASSWORD
from seeds.generator import build
from seeds.hashing import ledger_hash

SMALL = {"users": 60, "days": 6}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "a.db"
    build(path, seed=11, **SMALL)
    return path


def rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_same_seed_gives_the_same_ledger_and_another_seed_differs(seeded: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    other = tmp_path / "other.db"
    build(again, seed=11, **SMALL)
    build(other, seed=12, **SMALL)
    assert ledger_hash(again) == ledger_hash(seeded)
    assert ledger_hash(other) != ledger_hash(seeded)
    # Users (uuids, names, phones, the password hash) are reproduced too.
    users_sql = "SELECT id, uuid, email, phone, first_name, last_name, password_hash FROM users ORDER BY id"
    assert [tuple(r) for r in rows(again, users_sql)] == [tuple(r) for r in rows(seeded, users_sql)]


def test_seeded_ledger_passes_every_invariant_and_has_every_kind_of_history(seeded: Path) -> None:
    report = check_file(seeded)
    assert report.ok, report.render()
    assert report.stats["entries"] > 500
    kinds = {r[0] for r in rows(seeded, "SELECT DISTINCT type FROM journals")}
    for kind in ("DEPOSIT", "WITHDRAWAL", "TRANSFER", "CONVERSION", "PAYMENT"):
        assert f"TRANSACTION_TYPE_{kind}" in kinds
    for table in (
        "cashier_deposits",
        "cashier_withdrawals",
        "twallet_sends",
        "nivo_transactions",
        "tribble_transactions",
        "drop_transactions",
    ):
        assert rows(seeded, f"SELECT count(*) FROM {table}")[0][0] > 0, table
    # Nothing is left half-way: the only open holds are those of OPEN Tribble disputes (an admin resolves
    # them), no pending sends, no processing remittances.
    stray = rows(
        seeded,
        "SELECT id FROM holds WHERE status = 'open' AND id NOT IN "
        "(SELECT hold_id FROM tribble_disputes WHERE status = 'OPEN' AND hold_id IS NOT NULL)",
    )
    assert stray == []
    assert rows(seeded, "SELECT count(*) FROM twallet_sends WHERE status = 'pending'")[0][0] == 0
    assert rows(seeded, "SELECT count(*) FROM drop_transactions WHERE status = 'processing'")[0][0] == 0
    # A served copy runs on real time and makes its own JWT secret.
    assert rows(seeded, "SELECT count(*) FROM sandbox_state WHERE key IN ('clock', 'jwt_secret')")[0][0] == 0


def test_demo_accounts_are_as_documented(seeded: Path) -> None:
    users = {r["email"]: r for r in rows(seeded, "SELECT * FROM users WHERE email LIKE '%@paysandbox.test'")}
    assert set(users) == {f"{name}@paysandbox.test" for name in ("alice", "bob", "carol", "dave", "merchant", "admin")}
    for user in users.values():
        assert verify_password_sync(DEMO_PASSWORD, user["password_hash"])
    alice = users["alice@paysandbox.test"]
    assert (alice["kyc_status"], alice["kyc_tier"]) == ("approved", 2)
    balances = {
        r["currency"]: r["balance"]
        for r in rows(
            seeded, "SELECT currency, balance FROM accounts WHERE owner_type = 'user' AND owner_id = ?", (alice["id"],)
        )
    }
    assert set(CURRENCIES) <= set(balances) and all(balances[c] > 0 for c in CURRENCIES)
    carol = users["carol@paysandbox.test"]
    assert (carol["kyc_status"], carol["kyc_tier"]) == ("pending", 0)
    dave = users["dave@paysandbox.test"]
    assert dave["totp_enabled"] == 1 and dave["totp_secret"] == DAVE_TOTP_SECRET
    assert len(pyotp.TOTP(dave["totp_secret"]).now()) == 6
    assert "merchant" in users["merchant@paysandbox.test"]["roles"].split(",")
    assert "admin" in users["admin@paysandbox.test"]["roles"].split(",")
    bob = users["bob@paysandbox.test"]
    assert rows(
        seeded,
        "SELECT 1 FROM twallet_contacts WHERE owner_user_id = ? AND contact_user_id = ?",
        (alice["id"], bob["id"]),
    )
    merchant_id = users["merchant@paysandbox.test"]["id"]
    assert rows(seeded, "SELECT kyc_status FROM tribble_merchants WHERE owner_user_id = ?", (merchant_id,))[0][0] == (
        "APPROVED"
    )
    assert rows(seeded, "SELECT 1 FROM drop_merchants WHERE user_id = ?", (merchant_id,))
    open_disputes = rows(
        seeded,
        "SELECT d.customer_user_id FROM tribble_disputes d JOIN tribble_merchants m ON m.id = d.merchant_id "
        "WHERE m.owner_user_id = ? AND d.status = 'OPEN'",
        (merchant_id,),
    )
    assert bob["id"] in [r[0] for r in open_disputes]
    plans = rows(
        seeded,
        "SELECT p.name FROM tribble_plans p JOIN tribble_merchants m ON m.id = p.merchant_id WHERE m.owner_user_id = ?",
        (merchant_id,),
    )
    assert sorted(r[0] for r in plans) == ["Annual", "Basic", "Premium"]
    subscribed = rows(
        seeded,
        "SELECT s.customer_user_id, s.status FROM tribble_subscriptions s JOIN tribble_plans p ON p.id = s.plan_id "
        "WHERE p.name IN ('Basic', 'Premium') AND s.customer_user_id IN (?, ?)",
        (alice["id"], bob["id"]),
    )
    assert sorted(tuple(r) for r in subscribed) == [(alice["id"], "ACTIVE"), (bob["id"], "ACTIVE")]
    # Alice has history on every platform.
    for sql in (
        "SELECT count(*) FROM cashier_deposits WHERE user_id = ?",
        "SELECT count(*) FROM twallet_sends WHERE sender_user_id = ?",
        "SELECT count(*) FROM nivo_transactions WHERE user_id = ?",
        "SELECT count(*) FROM tribble_transactions WHERE customer_user_id = ?",
        "SELECT count(*) FROM drop_transactions WHERE user_id = ?",
    ):
        assert rows(seeded, sql, (alice["id"],))[0][0] > 0, sql


def test_generated_users_have_phones_in_their_platforms_format(seeded: Path) -> None:
    users = rows(seeded, "SELECT id, phone, country FROM users WHERE email NOT LIKE '%@paysandbox.test'")
    assert len(users) == SMALL["users"]
    prefixes = {"KE": "+254", "NG": "+234", "IN": "+91", "NO": "+47", "DE": "+49", "FR": "+33", "GB": "+44", "US": "+1"}
    for user in users:
        assert user["phone"].startswith(prefixes[user["country"]]), tuple(user)
        if user["country"] == "IN":
            assert len(user["phone"]) == 13  # +91XXXXXXXXXX (Nivo)
    nivo_users = rows(seeded, "SELECT DISTINCT user_id FROM nivo_wallets")
    for row in nivo_users:
        phone = rows(seeded, "SELECT phone FROM users WHERE id = ?", (row[0],))[0][0]
        assert phone.startswith("+91")
        assert rows(seeded, "SELECT 1 FROM nivo_wallets WHERE user_id = ? AND currency = 'INR'", (row[0],))


def test_cli_seed_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.db"
    assert cli_main(["seed", "--db", str(path), "--users", "5", "--days", "1", "--seed", "3"]) == 0
    first = ledger_hash(path)
    assert cli_main(["seed", "--db", str(path), "--users", "5", "--days", "1"]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli_main(["seed", "--db", str(path), "--users", "5", "--days", "1", "--seed", "3", "--force"]) == 0
    assert ledger_hash(path) == first
    assert cli_main(["check", "--db", str(path)]) == 0


def test_reset_restores_the_example_state(seeded: Path, tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    db.write_bytes(b"not a database")
    assert cli_main(["reset", "--db", str(db), "--example", str(seeded)]) == 0
    assert ledger_hash(db) == ledger_hash(seeded)


def test_sandbox_db_example_is_up_to_date_and_passes_the_check() -> None:
    example = DEFAULT_EXAMPLE_DB
    assert example.exists(), "regenerate with: paysandbox seed --db sandbox.db.example --force"
    assert example.stat().st_size < 8 * 1024 * 1024
    applied = {r[0] for r in rows(example, "SELECT version FROM schema_version")}
    missing = sorted({v for v, _, _ in available_migrations()} - applied)
    assert not missing, (
        f"sandbox.db.example lacks migrations {missing}: paysandbox seed --db sandbox.db.example --force"
    )
    report = check_file(example)
    assert report.ok, report.render()
    assert rows(example, "SELECT count(*) FROM users WHERE email = 'alice@paysandbox.test'")[0][0] == 1
    # A rollback-journal file: reading it leaves no -wal/-shm files beside it in the repository.
    assert rows(example, "PRAGMA journal_mode")[0][0] == "delete"


def test_docs_list_the_demo_accounts_of_the_example() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "seeds.md").read_text(encoding="utf-8")
    assert documented_table(docs) == demo_table(DEFAULT_EXAMPLE_DB), (
        "update the table: python -m seeds.accounts --db sandbox.db.example --docs docs/seeds.md"
    )
    assert DAVE_TOTP_SECRET in docs and DEMO_PASSWORD in docs


def test_history_end_can_be_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYSANDBOX_SEED_END", "2026-11-01")
    path = tmp_path / "recent.db"
    build(path, users=10, days=3, seed=1)
    end = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
    first, last = rows(path, "SELECT min(created_at), max(created_at) FROM journals")[0]
    assert end - 3 * 86_400 <= first and last <= end + 2 * 86_400  # settlements may land a little after
    assert check_file(path).ok
