"""Dropped connections on a real uvicorn server: ``drop``, ``timeout``, ``drop when: after`` per platform,
an idempotent retry after a lost response, and the ledger's invariants after a fault-injected concurrent run.

Money stays exact: a drop before the handler changes nothing; a drop after commits and loses only the
response, and a retry with the same Idempotency-Key answers the original result without posting again.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.reliability.envelopes import auth_headers
from tests.reliability.ledger_file import assert_invariants, rows
from tests.reliability.money_routes import ALL_ROUTES, MoneyRoute
from tests.support.server import LiveServer

# One GET per platform (and the control API), served without a token or with any.
PLATFORM_PATHS: dict[str, str] = {
    "cashier": "/cashier/svc/ws",
    "tribble": "/api/v1/users/profile",
    "nivo": "/api/v1/wallet/wallets",
    "twallet": "/profile/",
    "drop": "/api/auth/me",
    "sandbox": "/_sandbox/clock",
}
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError)


def _effects(live: LiveServer) -> int:
    sql = (
        "SELECT (SELECT COUNT(*) FROM journals) + (SELECT COUNT(*) FROM holds) + (SELECT COUNT(*) FROM sim_operations)"
    )
    return int(rows(live.settings.db, f"{sql} AS n")[0]["n"])


async def _journal(http: httpx.AsyncClient, **params: str) -> list[dict[str, object]]:
    resp = await http.get("/_sandbox/requests", params=params)
    assert resp.status_code == 200, resp.text
    entries: list[dict[str, object]] = resp.json()["requests"]
    return entries


@pytest.mark.parametrize("platform", sorted(PLATFORM_PATHS))
@pytest.mark.parametrize("action", ["drop", "timeout"])
async def test_drop_and_timeout_close_the_connection_without_a_response(
    http: httpx.AsyncClient, live: LiveServer, platform: str, action: str
) -> None:
    path = PLATFORM_PATHS[platform]
    rule = {"id": f"{action}-{platform}", "platform": platform, "path": path, "action": action, "ms": 20, "times": 1}
    assert (await http.put("/_sandbox/faults", json={"rules": [rule]})).status_code == 200
    with pytest.raises(DROPPED):
        await http.get(path)
    after = await http.get(path)  # the rule fired once and expired; a new connection is served
    assert after.status_code < 500, after.text
    [entry] = await _journal(http, injected="true", path=path)
    assert entry["dropped"] is True and entry["platform"] == platform
    assert (
        entry["injected"]
        == f"injected fault: {'drop' if action == 'drop' else 'timeout after 20 ms'} (fault rule {rule['id']})"
    )


async def test_one_off_drop_header(http: httpx.AsyncClient, live: LiveServer) -> None:
    with pytest.raises(DROPPED):
        await http.get("/api/health", headers={"X-Sandbox-Fault": "drop"})
    with pytest.raises(DROPPED):
        await http.get("/api/health", headers={"X-Sandbox-Fault": "timeout=10"})
    assert (await http.get("/api/health")).status_code == 200


@pytest.mark.parametrize("name", ["nivo-deposit", "tribble-fund", "twallet-send", "drop-remittance"])
async def test_drop_before_posts_nothing(http: httpx.AsyncClient, live: LiveServer, name: str) -> None:
    route: MoneyRoute = await ALL_ROUTES[name](http, live)
    assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
    before = _effects(live)
    with pytest.raises(DROPPED):
        await route.call(
            route.valid_amount, headers={route.key_header: f"k-{uuid.uuid4().hex}", "X-Sandbox-Fault": "drop"}
        )
    assert _effects(live) == before
    assert_invariants(live.settings.db)


@pytest.mark.parametrize("name", ["nivo-transfer", "tribble-payment", "twallet-send", "drop-remittance"])
async def test_retry_after_a_lost_response_returns_the_original_and_posts_once(
    http: httpx.AsyncClient, live: LiveServer, name: str
) -> None:
    route: MoneyRoute = await ALL_ROUTES[name](http, live)
    assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
    rule = {"id": "lose-it", "method": route.method, "path": route.path, "action": "drop", "when": "after", "times": 1}
    assert (await http.put("/_sandbox/faults", json={"rules": [rule]})).status_code == 200
    key = f"lost-{uuid.uuid4().hex}"
    before = _effects(live)
    with pytest.raises(DROPPED):
        await route.call(route.valid_amount, headers={route.key_header: key})
    committed = _effects(live) - before
    assert committed >= 1  # the handler ran and committed; only the response was lost
    [entry] = await _journal(http, injected="true")
    assert entry["dropped"] is True and entry["status"] is not None and 200 <= int(entry["status"]) < 300
    retry = await route.call(route.valid_amount, headers={route.key_header: key})
    assert 200 <= retry.status_code < 300, retry.text
    again = await route.call(route.valid_amount, headers={route.key_header: key})
    assert (again.status_code, again.json()) == (retry.status_code, retry.json())
    assert _effects(live) == before + committed  # nothing posted twice
    assert_invariants(live.settings.db)


async def test_invariants_hold_after_a_fault_injected_concurrent_run(http: httpx.AsyncClient, live: LiveServer) -> None:
    routes: list[MoneyRoute] = [await ALL_ROUTES[name](http, live) for name in ("nivo-transfer", "tribble-payment")]
    assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
    live.sandbox.faults.rng.seed(22)
    rules = [
        {
            "id": "c-after",
            "path": "/api/v1/*",
            "method": "POST",
            "action": "drop",
            "when": "after",
            "probability": 0.25,
        },
        {
            "id": "c-status",
            "path": "/api/v1/*",
            "method": "POST",
            "action": "status",
            "status": 503,
            "probability": 0.2,
        },
        {"id": "c-drop", "path": "/api/v1/*", "method": "POST", "action": "drop", "probability": 0.15},
        {"id": "c-delay", "path": "/api/v1/*", "method": "POST", "action": "delay", "ms": 1, "max_ms": 15},
    ]
    assert (await http.put("/_sandbox/faults", json={"rules": rules})).status_code == 200
    before = _effects(live)

    async def pay(route: MoneyRoute, n: int) -> tuple[int, object]:
        key = f"conc-{n}-{uuid.uuid4().hex}"
        for _ in range(30):  # retry like a client would, with the same key, until an answer arrives
            try:
                resp = await route.call(route.valid_amount, headers={route.key_header: key})
            except DROPPED:
                continue
            if resp.status_code == 503 and "x-sandbox-explain" in resp.headers:
                continue
            return resp.status_code, resp.json()
        raise AssertionError("no answer after 30 attempts")

    results = await asyncio.gather(*(pay(routes[n % 2], n) for n in range(24)))
    assert all(200 <= status < 300 for status, _ in results), results
    fired = {r["id"]: r["fired"] for r in (await http.get("/_sandbox/faults")).json()["rules"]}
    assert fired["c-after"] > 0 and fired["c-status"] > 0 and fired["c-drop"] > 0
    assert (await http.delete("/_sandbox/faults")).status_code == 204
    # Each of the 24 payments posted exactly once, whatever was lost on the way.
    one_each = {}
    for route in routes:
        start = _effects(live)
        probe = await route.call(route.valid_amount, headers={route.key_header: f"probe-{uuid.uuid4().hex}"})
        assert 200 <= probe.status_code < 300
        one_each[route.platform] = _effects(live) - start
    assert _effects(live) - before == 12 * one_each["nivo"] + 12 * one_each["tribble"] + sum(one_each.values())
    assert_invariants(live.settings.db)


async def test_header_auth_user_rule_on_a_live_server(http: httpx.AsyncClient, live: LiveServer) -> None:
    route: MoneyRoute = await ALL_ROUTES["nivo-deposit"](http, live)
    claims_user = (await http.get("/api/v1/wallet/wallets", headers=auth_headers("nivo", route.token))).status_code
    assert claims_user == 200
    [entry] = await _journal(http, path="/api/v1/wallet/wallets", method="GET", limit="1")
    user = entry["user"]
    assert isinstance(user, dict) and user["id"]
    rule = {"id": "only-them", "user": str(user["id"]), "path": "/api/v1/wallet/*", "action": "status", "status": 409}
    assert (await http.put("/_sandbox/faults", json={"rules": [rule]})).status_code == 200
    assert (await http.get("/api/v1/wallet/wallets", headers=auth_headers("nivo", route.token))).status_code == 409
