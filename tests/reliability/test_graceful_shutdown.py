"""SIGTERM during a load of QR payments: in-flight postings commit and answer, WebSockets get a close frame.

A real ``python -m app.cli serve`` subprocess. Payers keep QR payments in flight and a Cashier
WebSocket is open when SIGTERM arrives. The process exits 0; every payment whose row was
committed had its answer delivered (no posting is cut off between commit and response), every
answered payment is on the file, ``paysandbox check`` passes, and the WebSocket client receives
a close frame instead of a dropped TCP connection.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.reliability.drop_api import DropUser, qr_pay, register, register_merchant
from tests.reliability.process import ServerProcess, paysandbox_check

pytestmark = pytest.mark.slow

ACKS_BEFORE_TERM = 60


async def test_sigterm_commits_in_flight_postings_and_closes_websockets(tmp_path: Path) -> None:
    db = tmp_path / "term.db"
    server = ServerProcess(db).start()
    acked: dict[str, dict[str, Any]] = {}
    failed: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            owner = await register(http, "owner")
            merchant = await register_merchant(http, owner)
            payers = [await register(http, "payer") for _ in range(4)]

            ws = await connect(
                f"{server.ws_url}/cashier/svc/ws", additional_headers={"Authorization": f"Bearer {payers[0].token}"}
            )
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert hello["type"] == "connected"

            enough = asyncio.Event()

            async def pay_forever(payer: DropUser, n: int) -> None:
                i = 0
                while True:
                    i += 1
                    request_id = f"term-{n}-{i}-{uuid.uuid4().hex[:6]}"
                    try:
                        resp = await qr_pay(http, payer, merchant, 10.5, request_id)
                    except httpx.HTTPError:
                        failed.append(request_id)
                        return
                    if resp.status_code != 201:  # 503 from a server that stopped accepting is fine
                        failed.append(request_id)
                        return
                    acked[request_id] = resp.json()["data"]
                    if len(acked) >= ACKS_BEFORE_TERM:
                        enough.set()

            tasks = [asyncio.create_task(pay_forever(p, n * 10 + k)) for n, p in enumerate(payers) for k in range(3)]
            await asyncio.wait_for(enough.wait(), 120)
            assert server.proc is not None
            server.proc.terminate()  # SIGTERM, loads still in flight
            await asyncio.wait_for(asyncio.gather(*tasks), 60)

            closed: ConnectionClosed | None = None
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 30)
            except ConnectionClosed as exc:
                closed = exc
            assert closed is not None
            assert closed.rcvd is not None, "the server dropped the socket without a close frame"
            assert closed.rcvd.code in (1000, 1001, 1012), closed.rcvd
        code = server.proc.wait(60)
    finally:
        server.kill()
    # uvicorn re-raises SIGTERM after its graceful shutdown, so the exit status is -SIGTERM (or 0).
    assert code in (0, -15), server.log()[-3000:]
    assert "Application shutdown complete" in server.log()
    assert "Traceback" not in server.log(), server.log()[-3000:]

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        keys = {row[0].rsplit(":", 1)[1] for row in conn.execute("SELECT request_key FROM drop_transactions")}
    finally:
        conn.close()
    assert set(acked) <= keys, "an answered payment is missing"
    committed_unanswered = keys - set(acked)
    assert not committed_unanswered, f"committed but never answered: {committed_unanswered}"
    report = paysandbox_check(db)
    assert report.returncode == 0, report.stdout + report.stderr
