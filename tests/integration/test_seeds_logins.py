"""Every demo account logs in on every registered platform of a seeded database (real server, real clients)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from websockets.asyncio.client import connect

from app.platforms import PLATFORMS
from app.settings import Settings
from seeds.constants import DAVE_TOTP_SECRET, DEMO_PASSWORD
from seeds.demo import DEMO_USERS
from seeds.generator import build
from tests.support.server import LiveServer

EMAILS = [demo.email for demo in DEMO_USERS]


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded-logins") / "seeded.db"
    build(path, users=20, days=2, seed=5)
    return path


@pytest.fixture
def settings(tmp_path: Path, seeded_file: Path) -> Settings:
    """The conftest settings, on a copy of the seeded database."""
    db = tmp_path / "sandbox.db"
    shutil.copyfile(seeded_file, db)
    return Settings.load(
        env={},
        db=db,
        example_db=tmp_path / "no-example.db",
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
    )


async def _login(http: httpx.AsyncClient, platform: str, email: str) -> str:
    body = {"email": email, "password": DEMO_PASSWORD}
    if platform == "tribble":
        response = await http.post("/api/v1/auth/login", json=body)
        assert response.status_code == 200, response.text
        token: str = response.json()["accessToken"]
        return token
    if platform == "nivo":
        response = await http.post("/api/v1/identity/auth/login", json=body)
        assert response.status_code == 200, response.text
        payload = response.json()
        assert payload["success"] is True
        return str(payload["data"]["token"])
    if platform == "drop":
        response = await http.post("/api/auth/login", json=body)
        assert response.status_code == 200, response.text
        cookie = response.cookies.get("drop_token")
        assert cookie
        return str(cookie)
    raise AssertionError(f"{platform} has no login route")


async def _cashier_accounts(live: LiveServer, token: str) -> dict[str, Any]:
    async with connect(f"{live.ws_url}/cashier/svc/ws?token={token}") as ws:
        greeting = json.loads(await ws.recv())
        assert greeting["type"] == "connected", greeting
        await ws.send(json.dumps({"type": "get_accounts", "data": {}}))
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] in ("success", "error"):
                return message


@pytest.mark.parametrize("email", EMAILS)
async def test_demo_account_logs_in_on_every_platform(live: LiveServer, email: str) -> None:
    login_platforms = [p for p in ("tribble", "nivo", "drop") if p in PLATFORMS]
    assert login_platforms, "no platform with a login route is registered"
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        tokens = {platform: await _login(http, platform, email) for platform in login_platforms}
        any_token = next(iter(tokens.values()))
        if "twallet" in PLATFORMS:  # T-Wallet documents no login: a token from another login
            response = await http.get("/profile/", headers={"X-Authorization": any_token})
            assert response.status_code == 200, response.text
        if "drop" in PLATFORMS:
            response = await http.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['drop']}"})
            assert response.status_code == 200, response.text
            assert response.json()["data"]["email"] == email
        if "tribble" in PLATFORMS:
            response = await http.get("/api/v1/wallets", headers={"Authorization": f"Bearer {tokens['tribble']}"})
            assert response.status_code == 200, response.text
    if "cashier" in PLATFORMS:
        reply = await _cashier_accounts(live, any_token)
        assert reply["type"] == "success", reply


async def test_alice_sees_her_seeded_money_and_bob_as_contact(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        response = await http.post(
            "/api/v1/identity/auth/login", json={"email": "alice@paysandbox.test", "password": DEMO_PASSWORD}
        )
        token = response.json()["data"]["token"]
        if "twallet" in PLATFORMS:
            contacts = await http.get("/profile/contact", headers={"X-Authorization": token})
            assert contacts.status_code == 200, contacts.text
            assert "Bob" in contacts.text
        if "nivo" in PLATFORMS:
            wallets = await http.get("/api/v1/wallet/wallets", headers={"Authorization": f"Bearer {token}"})
            assert wallets.status_code == 200, wallets.text
            assert "INR" in wallets.text
    if "cashier" in PLATFORMS:
        reply = await _cashier_accounts(live, token)
        assert reply["type"] == "success", reply
        text = json.dumps(reply)
        for currency in ("USD", "EUR", "KES", "NGN", "INR", "NOK"):
            assert currency in text
    assert (await live.sandbox.ledger.check()).ok


async def test_dave_verifies_with_the_documented_totp_secret(live: LiveServer) -> None:
    if "cashier" not in PLATFORMS or "nivo" not in PLATFORMS:
        pytest.skip("needs Cashier (verify_totp) and a login route")
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        response = await http.post(
            "/api/v1/identity/auth/login", json={"email": "dave@paysandbox.test", "password": DEMO_PASSWORD}
        )
        token = response.json()["data"]["token"]
    # The server's clock is real time (the seeded file keeps no frozen clock), like pyotp's.
    code = pyotp.TOTP(DAVE_TOTP_SECRET).now()
    async with connect(f"{live.ws_url}/cashier/svc/ws?token={token}") as ws:
        assert json.loads(await ws.recv())["type"] == "connected"
        await ws.send(json.dumps({"type": "verify_totp", "data": {"code": code, "purpose": "withdrawal"}}))
        reply = json.loads(await ws.recv())
    assert reply["type"] == "success", reply
    assert reply["data"]["data"]["method"] == "totp"
