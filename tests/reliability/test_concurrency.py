"""Hundreds of concurrent money movements on a few hot accounts, through HTTP and the WebSocket.

Afterwards: the ledger invariants hold (`paysandbox check`), every response that said completed
is in the ledger exactly once (its journal, its receipt), nothing that failed posted anything,
and every hot account's balance is exactly what the successful responses add up to.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.reliability.cashier_ws import cashier, funded_user
from tests.reliability.drop_api import DropUser, qr_pay, register, register_merchant
from tests.reliability.envelopes import assert_envelope
from tests.reliability.ledger_file import assert_invariants, rows, user_wallet_balance
from tests.support.server import LiveServer

pytestmark = pytest.mark.slow


def _minor(value: float | int) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


async def test_cashier_websocket_transfers_and_conversions_on_hot_accounts(live: LiveServer) -> None:
    rng = random.Random(1414)
    users = [await funded_user(live, f"hot{i}@example.com", "USD", 50_000) for i in range(4)]  # 500.00 USD each
    results: list[tuple[str, int, int, int, dict[str, Any]]] = []

    async def worker(sender: tuple[int, str], count: int) -> None:
        uid, token = sender
        async with cashier(live.ws_url, token) as sock:
            for _ in range(count):
                target = rng.choice([u for u, _ in users if u != uid])
                amount = rng.choice([1, 5, 12.5, 40, 99.99, 150])
                if rng.random() < 0.25:
                    kind, data = "convert_and_transfer", {"from_currency": "USD", "to_currency": "EUR"}
                    if rng.random() < 0.5:
                        data["to_user_id"] = str(target)
                    else:
                        target = uid
                else:
                    kind, data = "transfer", {"to_user_id": str(target), "currency": "USD"}
                reply = await sock.request(kind, {**data, "amount": amount})
                results.append((kind, uid, target, _minor(amount), reply))

    # Six sockets per user, all at once: 24 sockets x 14 requests = 336 money movements.
    await asyncio.gather(*(worker(u, 14) for u in users for _ in range(6)))

    completed = [r for r in results if r[4]["type"] == "success"]
    failed = [r for r in results if r[4]["type"] == "error"]
    assert completed and failed, "the load should both succeed and run out of money"
    for *_, reply in failed:
        assert reply["data"]["message"].startswith("insufficient balance"), reply
    db = live.settings.db
    by_journal = {r[4]["data"]["data"]["journal_id"]: r for r in completed}
    receipts = {r[4]["data"]["data"]["receipt_code"] for r in completed}
    assert len(by_journal) == len(completed) and len(receipts) == len(completed)
    stored = rows(
        db, "SELECT id, type FROM journals WHERE type IN ('TRANSACTION_TYPE_TRANSFER', 'TRANSACTION_TYPE_CONVERSION')"
    )
    assert sorted(r["id"] for r in stored) == sorted(by_journal), "completed responses != ledger journals"
    for row in stored:
        kind = by_journal[row["id"]][0]
        assert row["type"] == ("TRANSACTION_TYPE_TRANSFER" if kind == "transfer" else "TRANSACTION_TYPE_CONVERSION")
    usd = {uid: 50_000 for uid, _ in users}
    eur = {uid: 0 for uid, _ in users}
    for kind, sender, target, amount, reply in completed:
        data = reply["data"]["data"]
        fee = _minor(data["fee"])
        usd[sender] -= amount + fee
        if kind == "transfer":
            assert _minor(data["amount"]) == amount
            usd[target] += amount
        else:
            assert _minor(data["source_amount"]) == amount
            eur[target] += _minor(data["converted_amount"])
    for uid, _ in users:
        assert user_wallet_balance(db, uid, "USD") == usd[uid] >= 0, uid
        assert user_wallet_balance(db, uid, "EUR") == eur[uid], uid
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_drop_qr_payments_race_on_hot_bank_accounts(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        owner = await register(http, "hotowner")
        merchant = await register_merchant(http, owner)
        payers = [await register(http, "hotpayer") for _ in range(3)]
        # 9,000 NOK + 1% fee each: 50,000 NOK covers five per payer; 20 concurrent tries per payer.
        # Plus small payments interleaved on the same accounts.
        jobs = [(p, 9000.0) for p in payers for _ in range(20)] + [(p, 12.34) for p in payers for _ in range(40)]
        random.Random(7).shuffle(jobs)
        responses = await asyncio.gather(*(qr_pay(http, p, merchant, amount) for p, amount in jobs))

    codes = Counter(r.status_code for r in responses)
    assert set(codes) <= {201, 402}, codes
    assert codes[402] > 0 and codes[201] > 0, codes
    for resp in responses:
        if resp.status_code == 402:
            assert resp.json()["error"] == "insufficient_balance", resp.text
    db = live.settings.db
    acked = [r.json()["data"] for r in responses if r.status_code == 201]
    stored = {r["id"]: r for r in rows(db, "SELECT * FROM drop_transactions WHERE type = 'qr_payment'")}
    assert sorted(stored) == sorted(tx["id"] for tx in acked), "acknowledged payments != stored payments"
    journal_ids = [r["journal_id"] for r in stored.values()]
    assert len(set(journal_ids)) == len(journal_ids)
    # Each payer: 50,000 NOK less exactly its acknowledged payments and fees; never below zero.
    for payer in payers:
        uid = rows(db, "SELECT id FROM users WHERE email = ?", (payer.email,))[0]["id"]
        spent = sum(r["amount"] + r["fee"] for r in stored.values() if r["user_id"] == uid)
        balance = rows(
            db,
            "SELECT a.balance FROM accounts a JOIN ob_bank_accounts b ON b.ledger_account_id = a.id "
            "WHERE b.user_id = ?",
            (uid,),
        )[0]["balance"]
        assert balance == 5_000_000 - spent and balance >= 0
    merchant_total = rows(
        db, "SELECT SUM(balance) AS s FROM accounts WHERE owner_type = 'merchant' AND currency = 'NOK'"
    )[0]["s"]
    assert merchant_total == sum(r["amount"] for r in stored.values())
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_twallet_sends_race_on_a_hot_account_with_holds(live: LiveServer) -> None:
    """Concurrent T-Wallet sends hold amount + fee at once; the holds never overdraw, and settle exactly once."""
    sender_id, token = await funded_user(live, "hot.tw.sender@example.com", "USD", 100_000)  # 1,000.00 USD
    receiver_id, _ = await funded_user(live, "hot.tw.receiver@example.com", "USD", 0)
    sender = await live.sandbox.identity.get_user(sender_id)
    receiver = await live.sandbox.identity.get_user(receiver_id)
    assert sender is not None and receiver is not None
    body = {"from_account_id": sender.twallet_account_id, "to_profile_id": receiver.profile_id, "asset_key": "USD"}
    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
        responses = await asyncio.gather(
            *(
                http.post("/profile/send-to-profile", headers={"X-Authorization": token}, json={**body, "amount": 40})
                for _ in range(60)
            )
        )
        # As the guide documents: HTTP 200 with {"code": 200} when accepted, {"code": 601, "msg": ["op_underfunded"]}.
        assert {r.status_code for r in responses} == {200}
        codes = Counter(r.json()["code"] for r in responses)
        assert set(codes) <= {200, 601}, codes
        assert codes[200] and codes[601], codes
        db = live.settings.db
        sends = rows(db, "SELECT * FROM twallet_sends")
        assert len(sends) == codes[200]
        held = rows(
            db,
            "SELECT pending_debit FROM accounts WHERE owner_type='user' AND owner_id=? AND currency='USD'",
            (sender_id,),
        )[0]["pending_debit"]
        assert held == sum(r["amount"] + r["fee"] for r in sends) <= 100_000
        advanced = await http.post("/_sandbox/clock/advance", json={"seconds": 10})
        assert advanced.status_code == 200, advanced.text
    sends = rows(db, "SELECT * FROM twallet_sends")
    assert {r["status"] for r in sends} == {"completed"}, Counter(r["status"] for r in sends)
    assert user_wallet_balance(db, sender_id, "USD") == 100_000 - sum(r["amount"] + r["fee"] for r in sends)
    assert user_wallet_balance(db, receiver_id, "USD") == sum(r["amount"] for r in sends)
    assert rows(db, "SELECT COUNT(*) AS n FROM holds WHERE status = 'open'")[0]["n"] == 0
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_nivo_transfers_race_between_hot_wallets(live: LiveServer) -> None:
    """150 concurrent Nivo transfers around a ring of three wallets, each wallet able to cover only some."""
    from tests.reliability.money_routes import _nivo_wallet

    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        users = [await register(http, "nivohot") for _ in range(3)]
        wallets = [await _nivo_wallet(http, u.token, deposit="2000.00") for u in users]
        rng = random.Random(99)
        jobs = []
        for _ in range(150):
            i = rng.randrange(3)
            j = (i + 1 + rng.randrange(2)) % 3
            jobs.append((i, j, rng.choice(["10.00", "99.99", "250.00", "400.50"])))
        jobs += [(k, (k + 1) % 3, "6000.01") for k in range(3)]  # more than all wallets hold: always refused
        rng.shuffle(jobs)
        responses = await asyncio.gather(
            *(
                http.post(
                    "/api/v1/transaction/transactions/transfer",
                    headers={"Authorization": f"Bearer {users[i].token}"},
                    json={"from_wallet_id": wallets[i], "to_wallet_id": wallets[j], "amount": amount},
                )
                for i, j, amount in jobs
            )
        )
    ok = [r.json()["data"] for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert ok and refused, Counter(r.status_code for r in responses)
    for resp in refused:
        assert 400 <= resp.status_code < 500 and resp.json()["error"]["code"] == "INSUFFICIENT_FUNDS", resp.text
    db = live.settings.db
    stored = {r["id"]: r for r in rows(db, "SELECT * FROM nivo_transactions WHERE type = 'transfer'")}
    assert sorted(stored) == sorted(tx["id"] for tx in ok), "answered transfers != stored transfers"
    journals = {r["journal_id"] for r in stored.values()}
    assert len(journals) == len(stored)
    assert len(
        rows(db, f"SELECT id FROM journals WHERE id IN ({','.join('?' * len(journals))})", tuple(journals))
    ) == len(journals)
    negative = rows(db, "SELECT COUNT(*) AS n FROM accounts WHERE allow_negative = 0 AND balance < 0")[0]["n"]
    assert negative == 0
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_tribble_payments_race_on_a_hot_wallet(live: LiveServer) -> None:
    """100 concurrent Tribble wallet payments of 30 USD from a 1,000 USD wallet to one merchant."""
    from tests.reliability.money_routes import _tribble_payment

    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        route = await _tribble_payment(http, live)
        responses = await asyncio.gather(*(route.call(30) for _ in range(100)))
    ok = [r.json() for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert ok and refused, Counter(r.status_code for r in responses)
    for resp in refused:
        assert 400 <= resp.status_code < 500, resp.text
        assert_envelope(resp, "tribble")
    db = live.settings.db
    stored = rows(db, "SELECT * FROM tribble_transactions WHERE merchant_id IS NOT NULL AND journal_id IS NOT NULL")
    answered = {tx.get("transactionId") or tx.get("id") for tx in ok}
    assert {r["id"] for r in stored} == answered, "answered payments != posted payments"
    assert len({r["journal_id"] for r in stored}) == len(stored)
    negative = rows(db, "SELECT COUNT(*) AS n FROM accounts WHERE allow_negative = 0 AND balance < 0")[0]["n"]
    assert negative == 0
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_racing_sign_ups_create_one_user(live: LiveServer) -> None:
    """Ten concurrent sign-ups with one email on each platform: one 201, the rest 409 in the envelope."""
    bodies = {
        ("drop", "/api/auth/register"): {
            "email": "race.drop@example.com",
            "password": "secret123",
            "firstName": "A",
            "lastName": "B",
            "dateOfBirth": "1990-01-01",
        },
        ("tribble", "/api/v1/auth/register"): {
            "email": "race.tribble@example.com",
            "password": "Str0ng!Passw0rd",
            "firstName": "A",
            "lastName": "B",
        },
        ("nivo", "/api/v1/identity/auth/register"): {
            "email": "race.nivo@example.com",
            "password": "Str0ng!Passw0rd",
            "full_name": "A B",
            "phone": "+919876543210",
        },
    }
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        for (platform, path), body in bodies.items():
            responses = await asyncio.gather(*(http.post(path, json=body) for _ in range(10)))
            http.cookies.clear()
            codes = Counter(r.status_code for r in responses)
            assert codes == {201: 1, 409: 9}, (platform, codes)
            for resp in responses:
                if resp.status_code == 409:
                    assert_envelope(resp, platform)
            found = rows(live.settings.db, "SELECT COUNT(*) AS n FROM users WHERE email = ?", (body["email"],))
            assert found[0]["n"] == 1


async def test_scheduled_settlements_fire_once_under_racing_clock_advances(live: LiveServer) -> None:
    """40 remittances due in a minute; ten clock advances race the scheduler loop: each settles exactly once."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        sender = await register(http, "schedrace")
        assert (await http.post(f"/_sandbox/users/{sender.email}/kyc", json={"status": "approved"})).status_code == 200
        assert (await http.put("/_sandbox/simulators/bank", json={"delay_seconds": 60})).status_code == 200
        recipient = await http.post(
            "/api/recipients",
            headers=sender.auth,
            json={"name": "Mama", "country": "RS", "currency": "RSD", "bankAccount": "RS35105008123123123173"},
        )
        rcp = recipient.json()["data"]["id"]
        created = await asyncio.gather(
            *(
                http.post("/api/transactions/remittance", headers=sender.auth, json={"recipientId": rcp, "amount": 100})
                for _ in range(40)
            )
        )
        assert {r.status_code for r in created} == {201}
        ids = [r.json()["data"]["id"] for r in created]
        advances = await asyncio.gather(
            *(http.post("/_sandbox/clock/advance", json={"seconds": 7 * (i + 1)}) for i in range(10))
        )
        assert {r.status_code for r in advances} == {200}
        statuses = await asyncio.gather(*(http.get(f"/api/transactions/{tx}", headers=sender.auth) for tx in ids))
    assert {s.json()["data"]["status"] for s in statuses} == {"completed"}
    db = live.settings.db
    for tx in ids:
        keys = rows(db, "SELECT idempotency_key FROM journals WHERE idempotency_key LIKE ?", (f"op:{tx}:%",))
        assert [k[0] for k in keys] == [f"op:{tx}:completed"], keys
    notes = rows(db, "SELECT COUNT(*) AS n FROM drop_notifications WHERE type = 'remittance_completed'")[0]["n"]
    assert notes == len(ids)
    assert_invariants(db)
    assert (await live.sandbox.ledger.check()).ok


async def test_snapshot_restore_and_reset_under_load(live: LiveServer) -> None:
    """Restoring a snapshot (and resetting) while QR payments flow: no 5xx, a consistent file afterwards."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        owner = await register(http, "restoreowner")
        merchant = await register_merchant(http, owner)
        payers = [await register(http, "restorepayer") for _ in range(3)]
        assert (await http.post("/_sandbox/snapshots", json={"name": "before-load"})).status_code == 201
        codes: Counter[int] = Counter()
        done = asyncio.Event()
        progress = asyncio.Condition()

        async def pay(payer: DropUser) -> None:
            while not done.is_set():
                resp = await qr_pay(http, payer, merchant, 10)
                assert resp.status_code < 500, resp.text
                if resp.status_code >= 400:
                    assert_envelope(resp, "drop")
                async with progress:
                    codes[resp.status_code] += 1
                    progress.notify_all()

        async def answered(total: int) -> None:
            async with progress:
                await progress.wait_for(lambda: sum(codes.values()) >= total)

        tasks = [asyncio.create_task(pay(p)) for p in payers for _ in range(3)]
        await asyncio.wait_for(answered(60), 60)
        for _ in range(2):
            restored = await http.post("/_sandbox/snapshots/before-load/restore")
            assert restored.status_code == 200, restored.text
            await asyncio.wait_for(answered(sum(codes.values()) + 30), 60)  # payments go on, restored file
        assert (await http.post("/_sandbox/reset")).status_code == 200
        await asyncio.wait_for(answered(sum(codes.values()) + 20), 60)  # answered (401: users are gone)
        done.set()
        await asyncio.gather(*tasks)
    assert codes[201] >= 60 and set(codes) <= {201, 400, 401, 404}, codes
    assert_invariants(live.settings.db)
    assert (await live.sandbox.ledger.check()).ok
