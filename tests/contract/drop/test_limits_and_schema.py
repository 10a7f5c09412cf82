"""Rate limits (10/min per IP on auth and money routes, 5 failed logins in 15 min) and the route inventory."""

from __future__ import annotations

import json

import pytest
from litestar.testing import AsyncTestClient

from app.runtime import Sandbox
from tests.contract.drop.conftest import PASSWORD, SessionFactory, person
from tests.support.contracts import inventory_path

INVENTORY = inventory_path()
DROP_ROUTES = (
    [r for r in json.loads(INVENTORY.read_text())["rest"] if r["platform"] == "drop"] if INVENTORY.is_file() else []
)


async def test_auth_routes_limited_to_10_per_minute_with_headers(
    app_client: AsyncTestClient, sandbox_of: Sandbox
) -> None:
    sandbox_of.ratelimits.enabled = True
    sandbox_of.clock.freeze()
    statuses = []
    for i in range(11):
        resp = await app_client.post("/api/auth/login", json={"email": f"nobody{i}@example.com", "password": "x1"})
        statuses.append(resp.status_code)
        assert resp.headers["x-ratelimit-limit"] == "10"
        assert int(resp.headers["x-ratelimit-reset"]) >= int(sandbox_of.clock.time())
    assert statuses == [401] * 10 + [429]
    assert resp.headers["x-ratelimit-remaining"] == "0" and int(resp.headers["retry-after"]) >= 1
    body = resp.json()
    assert body["error"] == "rate_limited" and body["details"] == [] and body["retryAfter"] >= 1
    register = await app_client.post("/api/auth/register", json=person())
    assert register.status_code == 429
    # The window is on the sandbox clock: a minute later requests pass again.
    sandbox_of.clock.advance(61)
    again = await app_client.post("/api/auth/register", json=person())
    assert again.status_code == 201 and again.headers["x-ratelimit-remaining"] == "9"
    rates = await app_client.get("/api/rates")
    assert rates.status_code == 200 and rates.headers["x-ratelimit-limit"] == "120"


async def test_five_failed_logins_in_15_minutes_lock_out(new_session: SessionFactory) -> None:
    s = await new_session()
    sandbox = s.sandbox
    sandbox.ratelimits.enabled = True
    sandbox.clock.freeze()
    for _ in range(5):
        bad = await s.http.post("/api/auth/login", json={"email": s.email, "password": "wrong-pass1"})
        assert bad.status_code == 401
        sandbox.clock.advance(61)  # stay under the 10/min window: only the failures count
    locked = await s.http.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["error"] == "rate_limited"
    sandbox.clock.advance(15 * 60)
    ok = await s.http.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})
    assert ok.status_code == 200


async def test_money_routes_limited_per_ip(new_session: SessionFactory) -> None:
    s = await new_session()
    s.sandbox.ratelimits.enabled = True
    s.sandbox.clock.freeze()
    codes = []
    for _ in range(11):
        resp = await s.http.post("/api/transactions/qr-payment", json={"merchantId": "mer_x", "amount": 5})
        codes.append(resp.status_code)
    assert codes == [404] * 10 + [429]
    assert resp.headers["x-ratelimit-remaining"] == "0"


async def test_every_drop_route_of_the_inventory_is_in_the_openapi_schema(app_client: AsyncTestClient) -> None:
    if not DROP_ROUTES:
        pytest.skip(f"contract inventory not found at {INVENTORY}")
    schema = (await app_client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    routes = DROP_ROUTES
    assert len(routes) == 41
    missing = [f"{r['method']} {r['path']}" for r in routes if r["method"].lower() not in paths.get(r["path"], {})]
    assert missing == []


async def test_unknown_path_and_method_under_drop_prefixes(app_client: AsyncTestClient) -> None:
    unknown = await app_client.get("/api/transactions/tx_missing/nothing")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    wrong = await app_client.put("/api/rates")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
