"""kill -9 during a load of Drop QR payments, restart on the same file: nothing acknowledged is lost.

A real ``python -m app.cli serve`` subprocess serves a SQLite file. Payers fire QR payments
concurrently (each with its own X-Request-ID); once enough are acknowledged the process gets
SIGKILL while requests are still in flight. Afterwards, on the crashed file and after a restart:
every acknowledged payment is present exactly once (a Drop row and one journal), nothing is
half-posted (every row has its journal and every journal its row), each payer's bank balance is
what its rows say, ``paysandbox check`` passes, retries of acknowledged and of in-flight requests
post nothing twice, and a remittance the bank simulator had scheduled before the crash settles
after the restart.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.reliability.drop_api import DropUser, qr_pay, register, register_merchant
from tests.reliability.process import ServerProcess, paysandbox_check

pytestmark = pytest.mark.slow

PAYERS = 6
ACKS_BEFORE_KILL = 120
OPENING_NOK = 5_000_000  # 50,000.00 NOK in minor units, every new Drop user's bank account


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def _load(
    http: httpx.AsyncClient,
    payers: list[DropUser],
    merchant: str,
    acked: dict[str, dict[str, Any]],
    sent: dict[str, tuple[DropUser, float]],
    enough: asyncio.Event,
) -> None:
    async def one_payer(payer: DropUser, n: int) -> None:
        i = 0
        while True:
            i += 1
            request_id = f"crash-{n}-{i}-{uuid.uuid4().hex[:6]}"
            amount = 1 + (i % 50) + 0.25
            sent[request_id] = (payer, amount)
            try:
                resp = await qr_pay(http, payer, merchant, amount, request_id)
            except httpx.HTTPError:
                return  # the server died under us
            assert resp.status_code == 201, resp.text
            acked[request_id] = resp.json()["data"]
            if len(acked) >= ACKS_BEFORE_KILL:
                enough.set()

    # Four request loops per payer: several payments of one bank account in flight at once.
    tasks = [asyncio.create_task(one_payer(p, n + 100 * k)) for k in range(4) for n, p in enumerate(payers)]
    await asyncio.gather(*tasks)


async def test_sigkill_during_qr_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    server = ServerProcess(db).start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            owner = await register(http, "owner")
            merchant = await register_merchant(http, owner)
            payers = [await register(http, "payer") for _ in range(PAYERS)]

            # Scheduled simulator work pending at the crash: a remittance the bank settles in an hour.
            remitter = payers[0]
            kyc = await http.post(f"/_sandbox/users/{remitter.email}/kyc", json={"status": "approved", "tier": 2})
            assert kyc.status_code == 200, kyc.text
            bank = await http.put("/_sandbox/simulators/bank", json={"delay_seconds": 3600})
            assert bank.status_code == 200, bank.text
            recipient = await http.post(
                "/api/recipients",
                headers=remitter.auth,
                json={"name": "Mama", "country": "RS", "currency": "RSD", "bankAccount": "RS35105008123123123173"},
            )
            assert recipient.status_code == 201, recipient.text
            remittance = await http.post(
                "/api/transactions/remittance",
                headers={**remitter.auth, "X-Request-ID": "crash-remittance"},
                json={"recipientId": recipient.json()["data"]["id"], "amount": 1000},
            )
            assert remittance.status_code == 201, remittance.text
            remittance_id = remittance.json()["data"]["id"]
            assert remittance.json()["data"]["status"] == "processing"

            # A logged-out session must stay revoked across the crash.
            leaver = await register(http, "leaver")
            assert (await http.post("/api/auth/logout", headers=leaver.auth)).status_code == 200
            http.cookies.clear()

            acked: dict[str, dict[str, Any]] = {}
            sent: dict[str, tuple[DropUser, float]] = {}
            enough = asyncio.Event()
            load = asyncio.create_task(_load(http, payers, merchant, acked, sent, enough))
            await asyncio.wait_for(enough.wait(), 120)
            server.kill()
            await asyncio.wait_for(load, 60)
    finally:
        server.kill()

    in_flight = set(sent) - set(acked)
    assert len(acked) >= ACKS_BEFORE_KILL

    # The crashed file itself: invariants hold, every acknowledged payment is there exactly once.
    crashed = paysandbox_check(db)
    assert crashed.returncode == 0, crashed.stdout + crashed.stderr
    _assert_consistent(db, acked, payers)

    server = ServerProcess(db).start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            for request_id, body in acked.items():
                payer, _ = sent[request_id]
                shown = await http.get(f"/api/transactions/{body['id']}", headers=payer.auth)
                assert shown.status_code == 200, shown.text
                assert shown.json()["data"]["status"] == "completed"
                assert shown.json()["data"]["amount"] == body["amount"]
            # Client retries after the crash: acknowledged ones replay, in-flight ones post at most once.
            retries = list(acked)[:20] + sorted(in_flight)
            for request_id in retries:
                payer, amount = sent[request_id]
                again = await qr_pay(http, payer, merchant, amount, request_id)
                assert again.status_code == 201, again.text
                if request_id in acked:
                    assert again.json()["data"] == acked[request_id]
                acked[request_id] = again.json()["data"]
            for request_id in retries:  # and a second retry replays the first answer
                payer, amount = sent[request_id]
                assert (await qr_pay(http, payer, merchant, amount, request_id)).json()["data"] == acked[request_id]

            revoked = await http.get("/api/auth/me", headers=leaver.auth)
            assert revoked.status_code == 401, revoked.text
            # The scheduled settlement survived the crash, and the restarted scheduler loop fires it by
            # itself: bring the clock to three seconds before it is due and let the clock run.
            shown = await http.get(f"/api/transactions/{remittance_id}", headers=remitter.auth)
            assert shown.json()["data"]["status"] == "processing"
            operation = (await http.get(f"/_sandbox/operations/{remittance_id}")).json()
            now = (await http.get("/_sandbox/clock")).json()["now"]
            wait = _epoch(operation["due_at"]) - _epoch(now) - 3.0
            assert wait > 0, (operation, now)
            advanced = await http.post("/_sandbox/clock/advance", json={"seconds": wait})
            assert advanced.status_code == 200, advanced.text
            assert (await http.get(f"/api/transactions/{remittance_id}", headers=remitter.auth)).json()["data"][
                "status"
            ] == "processing"
            status = "processing"
            async with asyncio.timeout(60):
                while status == "processing":
                    await asyncio.sleep(0.2)  # polling the API like a client would
                    shown = await http.get(f"/api/transactions/{remittance_id}", headers=remitter.auth)
                    status = shown.json()["data"]["status"]
            assert status == "completed", shown.text
    finally:
        server.terminate()
    _assert_consistent(db, acked, payers)
    final = paysandbox_check(db)
    assert final.returncode == 0, final.stdout + final.stderr
    assert "Traceback" not in server.log()


def _assert_consistent(db: Path, acked: dict[str, dict[str, Any]], payers: list[DropUser]) -> None:
    rows = _rows(db, "SELECT * FROM drop_transactions WHERE type = 'qr_payment'")
    ids = {row["id"]: row for row in rows}
    for request_id, body in acked.items():
        assert body["id"] in ids, f"acknowledged payment {body['id']} lost"
        matching = [r for r in rows if (r["request_key"] or "").endswith(f":{request_id}")]
        assert len(matching) == 1, f"{request_id} stored {len(matching)} times"
    # Nothing half-posted: each row has exactly its journal, each Drop journal has its row.
    journals = {
        r["id"]: r for r in _rows(db, "SELECT id, idempotency_key FROM journals WHERE idempotency_key LIKE 'drop:qr:%'")
    }
    assert {r["journal_id"] for r in rows} == set(journals)
    assert len(journals) == len(rows)
    for row in rows:
        assert journals[row["journal_id"]]["idempotency_key"] == f"drop:{row['request_key']}"
    # Each payer's bank account lost exactly what its rows say (amount + fee per payment).
    for payer in payers:
        user = _rows(db, "SELECT id FROM users WHERE email = ?", (payer.email,))[0]["id"]
        spent = sum(r["amount"] + r["fee"] for r in rows if r["user_id"] == user)
        remitted = sum(
            r["amount"] + r["fee"]
            for r in _rows(db, "SELECT * FROM drop_transactions WHERE type='remittance' AND user_id=?", (user,))
        )
        balance = _rows(
            db,
            "SELECT balance FROM accounts WHERE id IN "
            "(SELECT ledger_account_id FROM ob_bank_accounts WHERE user_id = ?)",
            (user,),
        )
        assert balance, "payer has no bank account"
        assert sum(b["balance"] for b in balance) == OPENING_NOK - spent - remitted


async def test_sigkill_during_cashier_websocket_transfers(tmp_path: Path) -> None:
    """Core transfers over the Cashier WebSocket, kill -9 mid-load: each acknowledged journal is on the file
    once; after a restart, retries with the same ``idempotency_key`` return the first receipt."""
    from tests.reliability.cashier_ws import cashier

    db = tmp_path / "crash-ws.db"
    server = ServerProcess(db).start()
    acked: dict[str, dict[str, Any]] = {}
    sent: dict[str, tuple[int, int, dict[str, Any]]] = {}
    users: list[tuple[DropUser, int]] = []
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            for _ in range(4):
                user = await register(http, "wscrash")
                uid = _rows(db, "SELECT id FROM users WHERE email = ?", (user.email,))[0]["id"]
                users.append((user, uid))
            for user, _ in users:  # fund each wallet with a partner deposit, settled through the control API
                async with cashier(server.ws_url, user.token) as sock:
                    partners = await sock.request("get_partners", {"currency": "USD"})
                    partner = partners["data"]["data"]["partners"][0]["id"]
                    deposit = await sock.request(
                        "deposit_request", {"amount": 1000, "currency": "USD", "partner_id": partner}
                    )
                    assert deposit["type"] == "success", deposit
                    ref = deposit["data"]["data"]["request_ref"]
                done = await http.post(f"/_sandbox/operations/{ref}/complete")
                assert done.status_code == 200, done.text

            enough = asyncio.Event()

            async def worker(n: int, user: DropUser) -> None:
                try:
                    async with cashier(server.ws_url, user.token) as sock:
                        i = 0
                        while True:
                            i += 1
                            target = users[(n + 1 + i % 3) % len(users)][1]
                            key = f"ws-crash-{n}-{i}"
                            body = {"to_user_id": str(target), "amount": 1.5, "currency": "USD", "idempotency_key": key}
                            sent[key] = (n, target, body)
                            reply = await sock.request("transfer", body)
                            assert reply["type"] == "success", reply
                            acked[key] = reply["data"]["data"]
                            if len(acked) >= 100:
                                enough.set()
                except (ConnectionClosed, OSError):  # the server died under us
                    assert server.proc is not None and server.proc.poll() is not None

            tasks = [asyncio.create_task(worker(n, u)) for n, (u, _) in enumerate(users) for _ in range(2)]
            await asyncio.wait_for(enough.wait(), 120)
            server.kill()
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
    finally:
        server.kill()

    crashed = paysandbox_check(db)
    assert crashed.returncode == 0, crashed.stdout + crashed.stderr
    for key, data in acked.items():
        n = sent[key][0]
        uid = users[n][1]
        found = _rows(db, "SELECT id FROM journals WHERE idempotency_key = ?", (f"cashier:transfer:{uid}:{key}",))
        assert [r["id"] for r in found] == [data["journal_id"]], key

    server = ServerProcess(db).start()
    try:
        for n, (user, _) in enumerate(users):
            async with cashier(server.ws_url, user.token) as sock:
                for key, (owner, _, body) in sent.items():
                    if owner != n:
                        continue
                    reply = await sock.request("transfer", body)
                    assert reply["type"] == "success", reply
                    if key in acked:
                        assert reply["data"]["data"]["receipt_code"] == acked[key]["receipt_code"]
    finally:
        server.terminate()
    assert len(_rows(db, "SELECT id FROM journals WHERE type = 'TRANSACTION_TYPE_TRANSFER'")) == len(sent)
    final = paysandbox_check(db)
    assert final.returncode == 0, final.stdout + final.stderr
