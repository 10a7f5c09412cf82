"""A Tribble wallet payment commits once: the transaction, its ledger journal and its
``transaction:completed`` event in one write job (the event is delivered after that commit)."""

from __future__ import annotations

import json

from litestar.testing import AsyncTestClient

from app.core.events import Event
from tests.contract.tribble.conftest import approved_merchant, deposit, register, sandbox_of, set_tier


async def test_a_wallet_payment_is_one_write_job_that_logs_its_event(client: AsyncTestClient) -> None:
    owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 2)
    await deposit(client, user, 5_000_00)
    sandbox = sandbox_of(client)
    body = {"amount": 25, "currency": "NGN", "merchantId": merchant_id}
    # The first payment also opens the merchant's NGN account (a write of its own, once).
    first = await client.post("/api/v1/transactions", json=body, headers=user.headers)
    assert first.status_code == 201, first.text
    delivered: list[Event] = []
    sandbox.events.subscribe(delivered.append)
    jobs_before = sandbox.db.writer.stats.jobs
    r = await client.post("/api/v1/transactions", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    assert sandbox.db.writer.stats.jobs - jobs_before == 1
    tid = r.json()["transactionId"]
    rows = await sandbox.db.fetchall("SELECT id, type, user_id, data FROM events WHERE type = 'transaction:completed'")
    mine = [row for row in rows if json.loads(row["data"])["data"]["transactionId"] == tid]
    assert len(mine) == 1
    payload = json.loads(mine[0]["data"])
    assert payload["data"]["amount"] == 25 and payload["data"]["status"] == "SUCCESS"
    assert payload["also_users"] == [owner.id]
    [event] = [e for e in delivered if e.type == "transaction:completed"]
    assert event.id == mine[0]["id"] and event.data["transactionId"] == tid


async def test_a_refused_payment_logs_no_event(client: AsyncTestClient) -> None:
    _owner, merchant_id = await approved_merchant(client)
    user = await register(client)
    await set_tier(client, user, 2)
    await deposit(client, user, 10_00)
    sandbox = sandbox_of(client)
    before = await sandbox.db.fetchone("SELECT count(*) FROM events WHERE type = 'transaction:completed'")
    r = await client.post(
        "/api/v1/transactions", json={"amount": 500, "currency": "NGN", "merchantId": merchant_id}, headers=user.headers
    )
    assert r.status_code == 402, r.text
    after = await sandbox.db.fetchone("SELECT count(*) FROM events WHERE type = 'transaction:completed'")
    assert after[0] == before[0]
