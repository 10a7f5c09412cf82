"""Cashier on a seeded database: seeded users' wallets, history and request numbering work as-is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.settings import Settings
from tests.contract.cashier.conftest import cashier_socket
from tests.support.server import LiveServer, live_server

generator = pytest.importorskip("seeds.generator")


@pytest.fixture
def seeded_live(settings: Settings) -> Iterator[LiveServer]:
    generator.build(settings.db, users=12, days=3, seed=7)
    with live_server(settings) as server:
        yield server


async def test_seeded_user_sees_wallets_history_and_can_deposit(seeded_live: LiveServer) -> None:
    sandbox = seeded_live.sandbox
    alice = await sandbox.identity.by_email("alice@paysandbox.test")
    assert alice is not None
    pair = await sandbox.identity.issue_tokens(alice, platform="cashier", ttl=3600)
    async with cashier_socket(seeded_live, pair.access_token) as client:
        accounts = (await client.ok("get_accounts"))["data"]["accounts"]
        assert {"USD", "EUR", "KES"} <= {a["currency"] for a in accounts}
        summary = (await client.ok("get_owner_summary"))["data"]
        assert summary["total_accounts"] == len(accounts)
        history = (await client.ok("get_history", {"type": "all", "limit": 100}))["data"]
        for item in history["deposits"] + history["withdrawals"]:
            if item["receipt_code"]:
                details = await client.ok("get_transaction_by_receipt", {"receipt_code": item["receipt_code"]})
                assert details["data"]["journal"]["transaction_type"].startswith("TRANSACTION_TYPE_")
        for account in accounts:
            statement = await client.ok("get_account_statement", {"account_number": account["account_number"]})
            assert statement["data"]["transaction_count"] == len(statement["data"]["ledgers"])
        # New requests are numbered after whatever the seeder wrote for today.
        for _ in range(3):
            created = await client.ok("deposit_request", {"amount": 5, "currency": "USD", "service": "paypal"})
            assert created["data"]["request_ref"].startswith("DEP-REQ-")
    assert (await sandbox.ledger.check()).ok
