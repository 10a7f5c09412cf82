"""The invariant check the other tests rely on is not vacuous: it fails on a tampered file.

After real payments through Drop, ``paysandbox check`` passes; then one change at a time is made to
a copy of the file behind the ledger's back (a balance nudged by one øre, an entry deleted, an
entry's amount changed, a journal's entries removed) and ``paysandbox check`` must exit 1 naming a
violation.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from tests.reliability.drop_api import qr_pay, register, register_merchant
from tests.reliability.process import paysandbox_check
from tests.support.server import LiveServer

TAMPERING = {
    "balance nudged": "UPDATE accounts SET balance = balance + 1 WHERE id = (SELECT MAX(account_id) FROM entries)",
    "entry deleted": "DELETE FROM entries WHERE id = (SELECT MAX(id) FROM entries)",
    "entry amount changed": "UPDATE entries SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM entries)",
    "journal emptied": "DELETE FROM entries WHERE journal_id = (SELECT MAX(journal_id) FROM entries)",
}


async def test_paysandbox_check_catches_tampering(live: LiveServer, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        owner = await register(http, "checkowner")
        merchant = await register_merchant(http, owner)
        payer = await register(http, "checkpayer")
        for amount in (10, 20.5, 99.99):
            assert (await qr_pay(http, payer, merchant, amount)).status_code == 201
    clean = paysandbox_check(live.settings.db)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for name, sql in TAMPERING.items():
        copy = tmp_path / f"{name.replace(' ', '-')}.db"
        source = sqlite3.connect(f"file:{live.settings.db}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.execute("PRAGMA foreign_keys = OFF")
        target.execute(sql)
        target.commit()
        target.close()
        result = paysandbox_check(copy)
        assert result.returncode == 1, (name, result.stdout)
        assert "violation" in result.stdout, (name, result.stdout)
