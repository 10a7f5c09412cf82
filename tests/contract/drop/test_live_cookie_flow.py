"""The cookie flow over a real uvicorn server and a real HTTP client that keeps cookies."""

from __future__ import annotations

import httpx

from tests.contract.drop.conftest import PASSWORD, person
from tests.support.server import LiveServer


async def test_cookie_session_over_real_http(live: LiveServer) -> None:
    body = person()
    async with httpx.AsyncClient(base_url=live.base_url) as browser:
        registered = await browser.post("/api/auth/register", json=body)
        assert registered.status_code == 201, registered.text
        assert "httponly" in registered.headers["set-cookie"].lower()
        assert (await browser.get("/api/auth/me")).status_code == 200
        assert (await browser.post("/api/auth/logout")).status_code == 200
        assert (await browser.get("/api/auth/me")).status_code == 401
        login = await browser.post("/api/auth/login", json={"email": body["email"], "password": PASSWORD})
        assert login.status_code == 200 and login.headers["x-request-id"].startswith("req_")
        me = await browser.get("/api/auth/me", headers={"X-Request-ID": "trace-42"})
        assert me.status_code == 200 and me.headers["x-request-id"] == "trace-42"
        assert me.json()["data"]["email"] == body["email"] and me.json()["data"]["totalBalance"] == 50000.0
