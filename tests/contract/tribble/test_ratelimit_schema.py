"""Per-tier rate limits with X-RateLimit-* headers, and every implemented route in the OpenAPI schema."""

from __future__ import annotations

import json

from litestar.testing import AsyncTestClient

from app.platforms.tribble import ROUTES
from tests.contract.tribble.conftest import register, sandbox_of, set_tier
from tests.support.contracts import inventory_path

INVENTORY = inventory_path()
# Tribble routes of the inventory that are not served yet; the test fails when one of them
# appears, so this list only ever shrinks. (Empty: every inventory route is served.)
NOT_YET: set[tuple[str, str]] = set()


def _routes_of_inventory() -> list[tuple[str, str]]:
    data = json.loads(INVENTORY.read_text())
    return [(r["method"], r["path"]) for r in data["rest"] if r["platform"] == "tribble"]


async def test_rate_limit_by_tier(client: AsyncTestClient) -> None:
    user = await register(client)
    sandbox = sandbox_of(client)
    sandbox.clock.freeze()
    sandbox.ratelimits.enabled = True
    try:
        r = await client.get("/api/v1/users/profile", headers=user.headers)
        assert r.status_code == 200
        assert r.headers["x-ratelimit-limit"] == "100"  # tier 0: 100 requests/hour
        assert r.headers["x-ratelimit-remaining"] == "99"
        assert int(r.headers["x-ratelimit-reset"]) > sandbox.clock.time()
        r = await client.get("/api/v1/users/profile", headers=user.headers)  # 2nd request in the same second
        assert r.status_code == 429
        body = r.json()
        assert body["statusCode"] == 429 and body["errorCode"] == "RATE_LIMITED"
        assert body["message"] == "Too many requests. Please try again later."
        assert body["retryAfter"] >= 1 and body["resetAt"].endswith("Z")
        assert r.headers["x-ratelimit-remaining"] == "0"
        sandbox.clock.advance(1)
        assert (await client.get("/api/v1/users/profile", headers=user.headers)).status_code == 200
        await set_tier(client, user, 2)  # tier 2: 10 requests/second
        sandbox.clock.advance(1)
        codes = [(await client.get("/api/v1/users/profile", headers=user.headers)).status_code for _ in range(10)]
        assert codes == [200] * 10
        r = await client.get("/api/v1/users/profile", headers=user.headers)
        assert r.status_code == 429 and r.headers["x-ratelimit-limit"] == "10"
    finally:
        sandbox.ratelimits.enabled = False
        sandbox.clock.resume()


async def test_inventory_routes_in_openapi(client: AsyncTestClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    served = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops if m != "parameters"}
    missing = [(m, p) for m, p in _routes_of_inventory() if (m, p) not in served and (m, p) not in NOT_YET]
    assert not missing, missing
    assert not [r for r in NOT_YET if r in served], "a route listed as not yet served is served: update NOT_YET"
    assert len(ROUTES) >= 1
    # Response models are documented.
    op = schema["paths"]["/api/v1/transactions"]["post"]
    assert "201" in op["responses"]
