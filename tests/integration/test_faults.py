"""Fault injection over HTTP (in-process client): the rules API, status and delay per platform, the
one-off header, matching, expiry, persistence across snapshots and restarts, the catalogue.

Dropped connections need a real server: ``tests/reliability/test_fault_drops.py``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.settings import Settings

# One path per platform (and the control API) with the envelope its errors come in.
PLATFORM_PATHS: dict[str, str] = {
    "cashier": "/cashier/svc/ws",
    "tribble": "/api/v1/wallets",
    "nivo": "/api/v1/wallet/wallets",
    "twallet": "/profile/",
    "drop": "/api/auth/me",
    "sandbox": "/_sandbox/clock",
}


def _envelope_status(platform: str, body: dict[str, Any]) -> Any:
    """The status or code each platform's error envelope carries (proves whose envelope it is)."""
    if platform == "cashier":
        return body["type"], bool(body["data"]["message"])
    if platform == "tribble":
        return body["statusCode"], body["errorCode"]
    if platform == "nivo":
        return body["success"], body["error"]["code"]
    if platform == "twallet":
        return body["code"], isinstance(body["msg"], list)
    return body["error"], bool(body["message"])


EXPECTED_503: dict[str, Any] = {
    "cashier": ("error", True),
    "tribble": (503, "INTERNAL_SERVER_ERROR"),
    "nivo": (False, "INTERNAL_ERROR"),
    "twallet": (503, True),
    "drop": ("service_unavailable", True),
    "sandbox": ("service_unavailable", True),
}


async def _put(client: AsyncTestClient, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    resp = await client.put("/_sandbox/faults", json={"rules": list(rules)})
    assert resp.status_code == 200, resp.text
    found: list[dict[str, Any]] = resp.json()["rules"]
    return found


def _rows(client: AsyncTestClient, table: str) -> int:
    db = client.app.state.settings.db
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize("platform", sorted(PLATFORM_PATHS))
async def test_status_rule_answers_in_the_platforms_envelope(client: AsyncTestClient, platform: str) -> None:
    path = PLATFORM_PATHS[platform]
    [rule] = await _put(
        client, {"id": f"st-{platform}", "platform": platform, "path": path, "action": "status", "status": 503}
    )
    resp = await client.get(path)
    assert resp.status_code == 503, resp.text
    assert _envelope_status(platform, resp.json()) == EXPECTED_503[platform]
    assert resp.headers["x-sandbox-explain"] == f"injected fault: status 503 (fault rule {rule['id']})"
    entry = (await client.get("/_sandbox/requests", params={"injected": "true"})).json()["requests"][0]
    assert entry["path"] == path and entry["status"] == 503 and entry["platform"] == platform
    assert entry["injected"] == resp.headers["x-sandbox-explain"]
    assert entry["matched"] is None  # answered before routing: not checked
    # A rule for another platform leaves this one alone.
    other = "nivo" if platform != "nivo" else "tribble"
    await _put(client, {"id": f"st-{platform}", "platform": other, "path": path, "action": "status"})
    assert (await client.get(path)).status_code != 503


@pytest.mark.parametrize("platform", sorted(PLATFORM_PATHS))
async def test_one_off_header_per_platform(client: AsyncTestClient, platform: str) -> None:
    path = PLATFORM_PATHS[platform]
    resp = await client.get(path, headers={"X-Sandbox-Fault": "status=429"})
    assert resp.status_code == 429
    assert resp.headers["x-sandbox-explain"] == "injected fault: status 429 (X-Sandbox-Fault header)"
    delayed = await client.get(path, headers={"X-Sandbox-Fault": "delay=15"})
    assert delayed.status_code != 429  # the handler ran
    assert delayed.headers["x-sandbox-explain"] == "injected fault: delay 15 ms (X-Sandbox-Fault header)"
    plain = await client.get(path)
    assert "x-sandbox-explain" not in plain.headers


async def test_malformed_one_off_header_is_refused(client: AsyncTestClient) -> None:
    for value in ("bogus=1", "status=abc", "status=200", "delay=-5", ""):
        resp = await client.get("/api/health", headers={"X-Sandbox-Fault": value})
        assert resp.status_code == 400, (value, resp.text)
        assert resp.json()["error"] == "invalid_fault_rule"
    entries = (await client.get("/_sandbox/requests", params={"unmatched": "true"})).json()["requests"]
    assert len(entries) == 5 and all(e["status"] == 400 and e["path"] == "/api/health" for e in entries)
    assert entries[-1]["unmatched_reason"] == "unknown fault 'bogus'"


async def test_status_fault_changes_no_state(client: AsyncTestClient) -> None:
    sandbox = client.app.state.registry.default
    await sandbox.identity.register("nostate@example.com", "Passw0rd!23", first_name="No", last_name="State")
    minted = (await client.post("/_sandbox/tokens", json={"email": "nostate@example.com"})).json()
    auth = {"Authorization": f"Bearer {minted['access_token']}"}
    before = _rows(client, "accounts"), _rows(client, "journals")
    wallet = await client.post(
        "/api/v1/wallet/wallets", json={"currency": "INR"}, headers={**auth, "X-Sandbox-Fault": "status=500"}
    )
    assert wallet.status_code == 500
    assert (_rows(client, "accounts"), _rows(client, "journals")) == before
    created = await client.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=auth)
    assert created.status_code == 201, created.text  # the same request without the fault changes state
    assert _rows(client, "accounts") > before[0]


async def test_rules_api_add_replace_list_delete(client: AsyncTestClient) -> None:
    rules = await _put(
        client,
        {"path": "/api/v1/transactions/{id}", "action": "delay", "ms": 5, "max_ms": 10},
        {"id": "mine", "method": "post", "path": "/api/*", "action": "drop", "when": "after", "times": 2},
    )
    assert [r["id"] for r in rules][1] == "mine" and rules[0]["id"].startswith("flt_")
    assert rules[1]["method"] == "POST" and rules[1]["times"] == 2 and rules[1]["when"] == "after"
    replaced = await _put(client, {"id": "mine", "path": "/profile/*", "action": "status", "status": 418})
    assert [r["id"] for r in replaced] == [rules[0]["id"], "mine"]
    assert replaced[1]["status"] == 418 and replaced[1]["action"] == "status"
    assert (await client.get("/_sandbox/faults")).json()["rules"] == replaced
    assert (await client.delete("/_sandbox/faults/mine")).status_code == 204
    assert (await client.delete("/_sandbox/faults/mine")).status_code == 404
    assert [r["id"] for r in (await client.get("/_sandbox/faults")).json()["rules"]] == [rules[0]["id"]]
    assert (await client.delete("/_sandbox/faults")).status_code == 204
    assert (await client.get("/_sandbox/faults")).json()["rules"] == []


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "explode"},
        {"action": "status", "status": 200},
        {"action": "delay", "probability": 1.5},
        {"action": "delay", "ms": 50, "max_ms": 10},
        {"action": "status", "when": "after"},
        {"action": "drop", "times": 0},
        {"action": "drop", "path": "api/no-slash"},
        {"action": "drop", "close_code": 2000},
        {"action": "drop", "surprise": True},
    ],
)
async def test_invalid_rules_are_refused(client: AsyncTestClient, rule: dict[str, Any]) -> None:
    resp = await client.put("/_sandbox/faults", json={"rules": [rule]})
    assert resp.status_code == 400, resp.text
    assert (await client.get("/_sandbox/faults")).json()["rules"] == []


async def test_matching_template_method_user_times_and_probability(client: AsyncTestClient) -> None:
    sandbox = client.app.state.registry.default
    user = await sandbox.identity.register("target@example.com", "Passw0rd!23", first_name="Ta", last_name="Rget")
    await sandbox.identity.register("bystander@example.com", "Passw0rd!23", first_name="By", last_name="Stander")
    target = (await client.post("/_sandbox/tokens", json={"email": "target@example.com"})).json()["access_token"]
    other = (await client.post("/_sandbox/tokens", json={"email": "bystander@example.com"})).json()["access_token"]
    await _put(
        client,
        {"id": "tmpl", "method": "GET", "path": "/api/v1/transactions/{id}", "action": "status", "status": 502},
        {"id": "user", "user": str(user.id), "path": "/profile/*", "action": "status", "status": 409},
        {"id": "twice", "path": "/api/health", "action": "status", "status": 500, "times": 2},
        {"id": "never", "path": "/api/auth/*", "action": "status", "status": 500, "probability": 0},
    )
    assert (await client.get("/api/v1/transactions/tx_1")).status_code == 502
    assert (await client.get("/api/v1/transactions/tx_1/refunds")).status_code != 502  # one segment only
    assert (await client.post("/api/v1/transactions/tx_1")).status_code != 502  # GET only
    assert (await client.get("/profile/", headers={"X-Authorization": target})).status_code == 409
    assert (await client.get("/profile/", headers={"X-Authorization": other})).status_code != 409
    assert (await client.get("/profile/")).status_code != 409  # no user at all
    assert [(await client.get("/api/health")).status_code for _ in range(3)] == [500, 500, 200]
    assert "twice" not in {r["id"] for r in (await client.get("/_sandbox/faults")).json()["rules"]}  # expired
    assert {(await client.get("/api/auth/me")).status_code for _ in range(10)} == {401}
    fired = {r["id"]: r["fired"] for r in (await client.get("/_sandbox/faults")).json()["rules"]}
    assert fired == {"tmpl": 1, "user": 1, "never": 0}


async def test_probability_fires_some_of_the_time(client: AsyncTestClient) -> None:
    client.app.state.registry.default.faults.rng.seed(7)
    await _put(client, {"path": "/api/health", "action": "status", "status": 503, "probability": 0.5})
    statuses = [(await client.get("/api/health")).status_code for _ in range(40)]
    assert 5 < statuses.count(503) < 35 and statuses.count(200) == 40 - statuses.count(503)


async def test_rules_travel_with_snapshots_and_survive_a_restart(settings: Settings) -> None:
    async with AsyncTestClient(app=create_app(settings)) as client:
        await _put(client, {"id": "kept", "path": "/api/health", "action": "status", "status": 503, "times": 3})
        assert (await client.get("/api/health")).status_code == 503  # 2 fires left
        assert (await client.post("/_sandbox/snapshots", json={"name": "with-faults"})).status_code == 201
        assert (await client.delete("/_sandbox/faults/kept")).status_code == 204
        assert (await client.get("/api/health")).status_code == 200
        restored = await client.post("/_sandbox/snapshots/with-faults/restore")
        assert restored.status_code == 200, restored.text
        [rule] = (await client.get("/_sandbox/faults")).json()["rules"]
        assert rule["id"] == "kept" and rule["times"] == 2
        assert (await client.get("/api/health")).status_code == 503  # reloaded: in force again
    async with AsyncTestClient(app=create_app(settings)) as client:
        [rule] = (await client.get("/_sandbox/faults")).json()["rules"]
        assert rule["id"] == "kept" and rule["times"] == 1
        assert (await client.get("/api/health")).status_code == 503
        assert (await client.get("/api/health")).status_code == 200
        assert (await client.get("/_sandbox/faults")).json()["rules"] == []


async def test_rules_are_per_workspace(client: AsyncTestClient) -> None:
    assert (await client.post("/_sandbox/workspaces", json={"name": "faulty"})).status_code == 201
    ws = {"X-Sandbox-Workspace": "faulty"}
    resp = await client.put(
        "/_sandbox/faults", json={"rules": [{"path": "/api/health", "action": "status"}]}, headers=ws
    )
    assert resp.status_code == 200
    assert (await client.get("/api/health", headers=ws)).status_code == 503
    assert (await client.get("/api/health?workspace=faulty")).status_code == 503
    assert (await client.get("/api/health")).status_code == 200


async def test_the_magic_catalogue_lists_faults_and_rules_in_force(client: AsyncTestClient) -> None:
    await _put(client, {"id": "listed", "path": "/api/health", "action": "delay", "ms": 1})
    faults = (await client.get("/_sandbox/magic")).json()["faults"]
    assert faults["header"] == "X-Sandbox-Fault" and faults["websocket_query"] == "sandbox_fault"
    assert {a["action"] for a in faults["actions"]} == {"delay", "status", "drop", "timeout"}
    assert [r["id"] for r in faults["rules"]] == ["listed"]


@pytest.mark.parametrize("platform", sorted(PLATFORM_PATHS))
async def test_delay_rule_runs_the_handler_after_the_delay(client: AsyncTestClient, platform: str) -> None:
    path = PLATFORM_PATHS[platform]
    plain = await client.get(path)
    await _put(client, {"id": f"slow-{platform}", "platform": platform, "path": path, "action": "delay", "ms": 10})
    delayed = await client.get(path)
    assert delayed.status_code == plain.status_code  # the handler answered as without the rule
    assert delayed.headers.get("content-type") == plain.headers.get("content-type")
    assert delayed.headers["x-sandbox-explain"] == f"injected fault: delay 10 ms (fault rule slow-{platform})"
    entry = (await client.get("/_sandbox/requests", params={"injected": "true", "limit": 1})).json()["requests"][0]
    assert entry["injected"] == delayed.headers["x-sandbox-explain"] and entry["matched"] is not None


async def test_a_catch_all_rule_never_locks_out_the_fault_and_journal_api(client: AsyncTestClient) -> None:
    await _put(client, {"id": "everything", "path": "*", "action": "status", "status": 500})
    assert (await client.get("/api/health")).status_code == 500
    assert (await client.get("/_sandbox/clock")).status_code == 500
    assert (await client.get("/_sandbox/requests")).status_code == 200
    assert (await client.get("/_sandbox/faults")).status_code == 200
    assert (await client.delete("/_sandbox/faults/everything")).status_code == 204
    assert (await client.get("/api/health")).status_code == 200
