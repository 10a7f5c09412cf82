"""A database made from the example looks like the recent past ending now, whatever the date.

The seed's history ends on 2026-01-01 (``seed.history_end``); the first sandbox to open a copy
moves every timestamp so that instant becomes its "now" (``app.db.rebase``). These tests move the
machine's wall clock (time-machine) a year past the seed's end and check that the first start
fires nothing, the documented balances hold and the newest history is minutes old.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import time_machine

from app.core.clock import iso
from app.db.rebase import SEED_END_KEY, shift_iso, time_columns
from app.runtime import Sandbox
from app.settings import DEFAULT_EXAMPLE_DB, REPO_ROOT, Settings
from seeds.accounts import demo_balances
from seeds.constants import DEMO_PASSWORD
from tests.support.server import free_port

DAY = 86_400
# Instants that lie ahead by design (work scheduled, windows still open); every other one is history.
FUTURE_COLUMNS = {"due_at", "expires_at", "next_charge_at", "trial_end_at", "deadline", "merchant_response_deadline"}
ISO_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def _seed_end() -> float:
    conn = sqlite3.connect(f"file:{DEFAULT_EXAMPLE_DB}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM sandbox_state WHERE key = ?", (SEED_END_KEY,)).fetchone()
    finally:
        conn.close()
    assert row is not None, "sandbox.db.example carries no seed.history_end: regenerate it with `paysandbox seed`"
    return float(row[0])


def _instants(path: Path) -> tuple[dict[tuple[str, str, int], float], dict[tuple[str, str, int], str]]:
    """Every epoch value of a time column and every text value holding an ISO instant, by (table, column, rowid)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    numbers: dict[tuple[str, str, int], float] = {}
    texts: dict[tuple[str, str, int], str] = {}
    try:
        for table, column in time_columns(conn):
            for rowid, value in conn.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'):
                numbers[(table, column, rowid)] = float(value)
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if table in ("schema_version", "sandbox_state") or table.startswith("sqlite_"):
                continue
            for column in [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]:
                for rowid, value in conn.execute(f'SELECT rowid, "{column}" FROM "{table}"'):
                    if isinstance(value, str) and ISO_IN_TEXT.search(value):
                        texts[(table, column, rowid)] = value
    finally:
        conn.close()
    return numbers, texts


def _one(conn: sqlite3.Connection, sql: str, *params: object) -> object:
    return conn.execute(sql, params).fetchone()[0]


async def test_first_start_a_year_later_moves_every_instant_and_fires_nothing(tmp_path: Path) -> None:
    end = _seed_end()
    db = tmp_path / "sandbox.db"
    shutil.copyfile(DEFAULT_EXAMPLE_DB, db)
    numbers, texts = _instants(db)
    assert len(numbers) > 10_000 and texts, "the example should hold history to move"
    later = end + 365 * DAY + 5 * 3600
    settings = Settings.load(env={}, db=db, bcrypt_rounds=4, workspaces_dir=tmp_path / "ws")  # the machine's clock
    with time_machine.travel(later, tick=True):
        box = Sandbox(settings, db)
        await box.start()
        try:
            now = box.clock.time()
            await box.scheduler.run_due()
            fired = await box.db.fetchone("SELECT count(*) FROM events")
        finally:
            await box.stop()
    assert abs(now - later) < 60
    assert fired is not None and fired[0] == 0, "the first start published events (a backlog fired)"

    moved_numbers, moved_texts = _instants(db)
    shifts = {moved_numbers[key] - value for key, value in numbers.items()}
    assert len(shifts) == 1, f"instants moved by different amounts: {sorted(shifts)[:5]}"
    shift = shifts.pop()
    assert shift == round(shift) and abs(end + shift - now) < 60
    assert moved_texts == {key: shift_iso(value, int(shift)) for key, value in texts.items()}

    conn = sqlite3.connect(db)
    try:
        assert _one(conn, "SELECT count(*) FROM sandbox_state WHERE key = ?", SEED_END_KEY) == 0
        assert _one(conn, "SELECT count(*) FROM scheduled_jobs WHERE done_at IS NOT NULL") == 0
        assert float(_one(conn, "SELECT min(due_at) FROM scheduled_jobs")) > now  # type: ignore[arg-type]
        assert float(_one(conn, "SELECT min(next_charge_at) FROM tribble_subscriptions")) > now  # type: ignore[arg-type]
        open_deadlines = _one(conn, "SELECT min(deadline) FROM tribble_disputes WHERE status = 'OPEN'")
        assert open_deadlines is None or float(open_deadlines) > now  # type: ignore[arg-type]
        pending = _one(conn, "SELECT min(expires_at) FROM cashier_deposits WHERE status = 'PENDING'")
        assert pending is None or float(pending) > now  # type: ignore[arg-type]
        newest = float(_one(conn, "SELECT max(created_at) FROM entries"))  # type: ignore[arg-type]
        assert now - 3 * DAY < newest <= now
        assert demo_balances(conn) == _documented_balances()
        future = [(t, c, v) for (t, c, _), v in moved_numbers.items() if c not in FUTURE_COLUMNS and v > now]
        assert not future, f"history dated after now: {future[:5]}"
    finally:
        conn.close()

    # A second start moves nothing: the marker is gone.
    box = Sandbox(settings, db)
    await box.start()
    await box.stop()
    assert _instants(db)[0] == moved_numbers


def _documented_balances() -> dict[str, str]:
    """The demo accounts' balances as docs/seeds.md lists them."""
    docs = (REPO_ROOT / "docs" / "seeds.md").read_text(encoding="utf-8")
    found = dict(re.findall(r"^- `([a-z]+@paysandbox\.test)`: (`ACC-.*)$", docs, flags=re.M))
    assert found, "docs/seeds.md lists no demo balances"
    return found


def test_serve_a_year_after_the_seed_serves_the_documented_balances_and_recent_history(tmp_path: Path) -> None:
    """`paysandbox serve` in an empty folder, the machine's wall clock a year after the seed's end."""
    later = _seed_end() + 365 * DAY + 3600
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSANDBOX_")}
    env.update({"PAYSANDBOX_EXAMPLE_DB": str(DEFAULT_EXAMPLE_DB), "PAYSANDBOX_BCRYPT_ROUNDS": "4"})
    boot = (
        "import sys, time_machine; time_machine.travel(float(sys.argv[1]), tick=True).start(); "
        "from app.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    cmd = [sys.executable, "-c", boot, repr(later), "serve", "--port", str(port), "--db", str(tmp_path / "sandbox.db")]
    server = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
            now = http.get("/_sandbox/clock").json()["now"]
            assert now[:13] == iso(later)[:13]
            assert http.get("/_sandbox/events").json()["events"] == []
            login = http.post("/api/v1/auth/login", json={"email": "alice@paysandbox.test", "password": DEMO_PASSWORD})
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
            wallets = http.get("/api/v1/wallets", headers=headers, params={"limit": 50}).json()["wallets"]
            served = {w["currency"]: f"{w['balance']:.2f}" for w in wallets}
            alice = _documented_balances()["alice@paysandbox.test"]
            documented = {
                currency: f"{float(amount):.2f}" for amount, currency in re.findall(r"([\d.]+) ([A-Z]{3})", alice)
            }
            assert documented == served
            txns = http.get("/api/v1/transactions", headers=headers).json()["transactions"]
            newest = max(t["createdAt"] for t in txns)
            assert iso(later - 10 * DAY) < newest <= now, (newest, now)
            assert http.get("/_sandbox/events").json()["events"] == []
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            pytest.fail("serve did not stop on SIGTERM")
