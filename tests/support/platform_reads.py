"""Reading a user's state through each platform's own routes (what that platform's client would see).

Used by the money-on-demand and fixture tests: balances are read back from Cashier's WebSocket,
Tribble's and Nivo's REST wallets, T-Wallet's account view and Drop's AISP-refreshed bank accounts,
never from the database.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import connect

CASHIER_WS = "/cashier/svc/ws"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def mint_token(http: httpx.AsyncClient, email: str) -> str:
    resp = await http.post("/_sandbox/tokens", json={"email": email})
    assert resp.status_code == 201, resp.text
    token: str = resp.json()["access_token"]
    return token


async def cashier_requests(ws_url: str, token: str, *frames: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Send each ``(type, data)`` on one Cashier socket; the replies in order (pushes skipped).

    A reply is the envelope ``{"type": "success", "data": {"message", "data"}, "timestamp"}``."""
    replies: list[dict[str, Any]] = []
    async with connect(f"{ws_url}{CASHIER_WS}", additional_headers=bearer(token)) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "connected", hello
        for type_, data in frames:
            await ws.send(json.dumps({"type": type_, "data": data}))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message["type"] in ("success", "error"):
                    replies.append(message)
                    break
    return replies


async def cashier_balances(ws_url: str, token: str) -> dict[str, float]:
    """Cashier's ``get_accounts`` then ``get_account_balance`` of each: ``{currency: balance}``."""
    (accounts,) = await cashier_requests(ws_url, token, ("get_accounts", {}))
    if accounts["type"] == "error":
        return {}
    numbers = [a["account_number"] for a in accounts["data"]["data"]["accounts"]]
    replies = await cashier_requests(ws_url, token, *(("get_account_balance", {"account_number": n}) for n in numbers))
    return {r["data"]["data"]["currency"]: r["data"]["data"]["balance"] for r in replies}


async def tribble_wallets(http: httpx.AsyncClient, token: str) -> dict[str, float]:
    resp = await http.get("/api/v1/wallets", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return {w["currency"]: w["balance"] for w in resp.json()["wallets"]}


async def nivo_wallets(http: httpx.AsyncClient, token: str) -> dict[str, dict[str, Any]]:
    resp = await http.get("/api/v1/wallet/wallets", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return {w["currency"]: w for w in resp.json()["data"]}


async def twallet_balances(http: httpx.AsyncClient, token: str) -> dict[str, float]:
    profile = await http.get("/profile/", headers={"X-Authorization": token})
    assert profile.status_code == 200, profile.text
    resp = await http.get(f"/profile/account/{profile.json()['account_id']}", headers={"X-Authorization": token})
    assert resp.status_code == 200, resp.text
    return {cur: b["balance"] for cur, b in resp.json()["balances"].items()}


async def drop_me(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    resp = await http.get("/api/auth/me", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()["data"]
    return data
