"""Cashier contract fixtures: users with tokens and funded wallets, and a real WebSocket client."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from app.core.ledger.models import Leg
from tests.support.server import LiveServer

WS_PATH = "/cashier/svc/ws"
# Generous: a push arrives once the server's scheduler has fired the due job (polled every 0.1 s).
RECV_TIMEOUT = 15.0

_seq = itertools.count(1)


@dataclass
class CashierUser:
    id: int
    email: str
    token: str


class CashierClient:
    """A WebSocket client that keeps pushes apart from replies (clients correlate replies by order)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pushes: list[dict[str, Any]] = []

    async def recv(self) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), RECV_TIMEOUT)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def reply(self) -> dict[str, Any]:
        """The next ``success`` / ``error`` / ``pong`` message; pushes in between are kept in ``pushes``."""
        while True:
            message = await self.recv()
            if message["type"] in ("success", "error", "pong"):
                return message
            self.pushes.append(message)

    async def request(self, type_: str, data: Any = None, **extra: Any) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": type_, "data": {} if data is None else data, **extra}
        await self.ws.send(json.dumps(frame))
        return await self.reply()

    async def ok(self, type_: str, data: Any = None) -> dict[str, Any]:
        message = await self.request(type_, data)
        assert message["type"] == "success", message
        payload: dict[str, Any] = message["data"]
        return payload

    async def error(self, type_: str, data: Any = None) -> str:
        message = await self.request(type_, data)
        assert message["type"] == "error", message
        return str(message["data"]["message"])

    async def push(self, type_: str) -> dict[str, Any]:
        """The next push of this type (earlier pushes of other types stay in ``pushes``)."""
        for i, message in enumerate(self.pushes):
            if message["type"] == type_:
                return self.pushes.pop(i)
        while True:
            message = await self.recv()
            if message["type"] == type_:
                return message
            self.pushes.append(message)


@asynccontextmanager
async def cashier_socket(live: LiveServer, token: str | None, **kwargs: Any) -> AsyncIterator[CashierClient]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with connect(f"{live.ws_url}{WS_PATH}", additional_headers=headers, **kwargs) as ws:
        client = CashierClient(ws)
        greeting = await client.recv()
        assert greeting["type"] == "connected", greeting
        yield client


async def make_user(live: LiveServer, *, phone: str | None = None, currencies: tuple[str, ...] = ()) -> CashierUser:
    sandbox = live.sandbox
    n = next(_seq)
    email = f"cashier{n}@example.com"
    user = await sandbox.identity.register(email, "Passw0rd!23", first_name="Cash", last_name=f"User{n}", phone=phone)
    pair = await sandbox.identity.issue_tokens(user, platform="cashier", ttl=86400)
    for currency in currencies:
        await sandbox.ledger.open_account("user", user.id, currency)
    return CashierUser(user.id, email, pair.access_token)


async def fund(live: LiveServer, user_id: int, currency: str, minor: int) -> None:
    ledger = live.sandbox.ledger
    wallet = await ledger.open_account("user", user_id, currency)
    settlement = await ledger.system_account("settlement", currency)
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, minor)], description="test funding")


async def advance(live: LiveServer, seconds: float) -> None:
    """Move the sandbox clock through the control API (due work fires on the server's loop)."""
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        response = await http.post("/_sandbox/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text


@pytest.fixture
async def user(live: LiveServer) -> CashierUser:
    return await make_user(live, phone="+254712000001", currencies=("USD", "EUR", "KES"))
