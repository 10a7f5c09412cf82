"""A minimal Cashier WebSocket client for the reliability tests (replies matched by request ``id``)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from app.core.ledger.models import Leg
from tests.support.server import LiveServer

WS_PATH = "/cashier/svc/ws"
_ids = itertools.count(1)


class CashierSocket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.lock = asyncio.Lock()

    async def request(self, type_: str, data: Any, wait: float = 60) -> dict[str, Any]:
        """Send one frame and read until its reply (pushes are skipped)."""
        async with self.lock:
            rid = f"r{next(_ids)}"
            await self.ws.send(json.dumps({"type": type_, "data": data, "id": rid}))
            return await self.reply(rid, wait)

    async def reply(self, rid: str | None = None, wait: float = 60) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), wait))
            if message.get("type") in ("success", "error", "pong") and (rid is None or message.get("id") == rid):
                return message


@asynccontextmanager
async def cashier(live_ws_url: str, token: str) -> AsyncIterator[CashierSocket]:
    async with connect(
        f"{live_ws_url}{WS_PATH}", additional_headers={"Authorization": f"Bearer {token}"}, max_size=2**24
    ) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "connected", hello
        yield CashierSocket(ws)


async def funded_user(live: LiveServer, email: str, currency: str, minor: int) -> tuple[int, str]:
    """A user with a wallet holding ``minor`` (a settlement deposit) and a Cashier token."""
    sandbox = live.sandbox
    user = await sandbox.identity.register(email, "Passw0rd!23", first_name="Hot", last_name="Account")
    pair = await sandbox.identity.issue_tokens(user, platform="cashier", ttl=86400)
    wallet = await sandbox.ledger.open_account("user", user.id, currency)
    if minor:
        settlement = await sandbox.ledger.system_account("settlement", currency)
        await sandbox.ledger.post(
            "TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, minor)], description="reliability funding"
        )
    return user.id, pair.access_token
