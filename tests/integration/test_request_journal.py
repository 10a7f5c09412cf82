"""The request journal (``GET /_sandbox/requests``): what it records, redacts, filters and evicts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.settings import Settings
from tests.conftest import TEST_NOW

DEPOSIT = "/api/v1/transaction/transactions/deposit"


async def _token(client: AsyncTestClient, email: str) -> tuple[int, str]:
    sandbox = client.app.state.registry.default
    user = await sandbox.identity.register(email, "Passw0rd!23", first_name="Jo", last_name="Journal")
    minted = await client.post("/_sandbox/tokens", json={"email": email})
    assert minted.status_code == 201, minted.text
    return int(user.id), minted.json()["access_token"]


async def _entries(client: AsyncTestClient, **params: Any) -> list[dict[str, Any]]:
    resp = await client.get("/_sandbox/requests", params=params)
    assert resp.status_code == 200, resp.text
    entries: list[dict[str, Any]] = resp.json()["requests"]
    return entries


async def test_records_every_request_newest_first_with_platform_status_and_request_id(client: AsyncTestClient) -> None:
    now = (await client.post("/_sandbox/clock/freeze")).json()["now"]
    await client.delete("/_sandbox/requests")
    await client.get("/api/health")
    await client.post("/api/v1/identity/auth/login", json={"email": "nobody@example.com", "password": "x" * 9})
    await client.get("/profile/", headers={"X-Request-ID": "req-mine-1"})
    entries = await _entries(client)
    assert [(e["method"], e["path"], e["platform"]) for e in entries] == [
        ("GET", "/profile/", "twallet"),
        ("POST", "/api/v1/identity/auth/login", "nivo"),
        ("GET", "/api/health", "health"),
    ]
    newest = entries[0]
    assert newest["request_id"] == "req-mine-1"
    assert newest["status"] == 401
    assert newest["kind"] == "http"
    assert newest["time"] == now and newest["wall_time"].endswith("Z")
    assert isinstance(newest["latency_ms"], float) and newest["latency_ms"] >= 0
    assert entries[0]["id"] > entries[1]["id"] > entries[2]["id"]


async def test_bodies_and_headers_are_redacted_and_the_user_comes_from_the_jwt(client: AsyncTestClient) -> None:
    user_id, token = await _token(client, "redact@example.com")
    body = {
        "email": "redact@example.com",
        "password": "Sup3rSecret!",
        "card": {"cardNumber": "4242424242424242", "cvv": "123", "holder": "Jo"},
        "otp_code": "654321",
        "note": "pay 5555555555554444 now",
    }
    resp = await client.post(
        "/api/v1/payment-methods", json=body, headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-red"}
    )
    entry = (await _entries(client, path="/api/v1/payment-methods"))[0]
    assert entry["user"]["id"] == user_id and entry["user"]["uuid"]
    full = (await client.get(f"/_sandbox/requests/{entry['id']}")).json()
    sent = full["request_body"]["json"]
    assert sent["password"] == "[redacted]"
    assert sent["card"] == {"cardNumber": "[redacted]", "cvv": "[redacted]", "holder": "Jo"}
    assert sent["otp_code"] == "[redacted]"
    assert sent["note"] == "pay ************4444 now"
    assert sent["email"] == "redact@example.com"
    assert full["request_headers"]["authorization"] == "Bearer [redacted]"
    assert token not in str(full)
    assert full["response_body"]["size"] == len(resp.content)
    assert full["response_headers"]["x-request-id"] == "req-red"


async def test_matched_says_why_a_request_does_not_fit_the_contract(client: AsyncTestClient) -> None:
    _, token = await _token(client, "matched@example.com")
    auth = {"Authorization": f"Bearer {token}"}
    await client.get("/api/v1/no-such-resource", headers=auth)
    await client.post(DEPOSIT, json={"wallet_id": 12, "amount": []}, headers=auth)
    await client.post("/_sandbox/clock/advance", json={"seconds": "soon"})
    await client.get("/api/health")
    entries = await _entries(client)
    by_path = {e["path"]: e for e in entries}
    assert by_path["/api/health"]["matched"] is True and by_path["/api/health"]["unmatched_reason"] is None
    unknown = by_path["/api/v1/no-such-resource"]
    assert unknown["matched"] is False and "no route" in unknown["unmatched_reason"]
    invalid = by_path[DEPOSIT]
    assert invalid["status"] == 400 and invalid["matched"] is False and invalid["unmatched_reason"]
    control = by_path["/_sandbox/clock/advance"]
    assert control["matched"] is False and control["unmatched_reason"]
    unmatched = await _entries(client, unmatched="true")
    assert {e["path"] for e in unmatched} == {"/api/v1/no-such-resource", DEPOSIT, "/_sandbox/clock/advance"}


async def test_filters_polling_and_clearing(client: AsyncTestClient) -> None:
    user_id, token = await _token(client, "filters@example.com")
    await client.get("/api/health")
    await client.get("/api/v1/wallet/wallets", headers={"Authorization": f"Bearer {token}"})
    await client.get("/api/v1/nothing-here")
    await client.post("/api/auth/login", json={"email": "a@b.c", "password": "nope-nope"})
    assert {e["path"] for e in await _entries(client, platform="nivo")} == {"/api/v1/wallet/wallets"}
    assert {e["path"] for e in await _entries(client, method="post")} == {"/api/auth/login", "/_sandbox/tokens"}
    assert {e["path"] for e in await _entries(client, status="404")} == {"/api/v1/nothing-here"}
    assert {e["status"] // 100 for e in await _entries(client, status="4xx")} == {4}
    assert {e["path"] for e in await _entries(client, path="/api/v1/*")} == {
        "/api/v1/wallet/wallets",
        "/api/v1/nothing-here",
    }
    assert {e["path"] for e in await _entries(client, user=str(user_id))} == {"/api/v1/wallet/wallets"}
    assert len(await _entries(client, limit=2)) == 2
    page = (await client.get("/_sandbox/requests")).json()
    newest = page["newest_id"]
    assert page["capacity"] == 10_000
    assert await _entries(client, after=newest) == []  # the journal's own reads are not recorded
    await client.get("/api/health")
    polled = await _entries(client, after=newest)
    assert [e["path"] for e in polled] == ["/api/health"]
    assert await _entries(client, since="2099-01-01T00:00:00Z") == []
    assert len(await _entries(client, since=TEST_NOW)) >= 5
    assert (await client.get("/_sandbox/requests", params={"since": "yesterday"})).status_code == 400
    assert (await client.get("/_sandbox/requests/999999")).status_code == 404
    cleared = await client.delete("/_sandbox/requests")
    assert cleared.status_code == 200 and cleared.json()["cleared"] == 6
    assert await _entries(client) == []


@pytest.fixture
async def small_journal(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(settings.replace(journal_size=3))) as client:
        yield client


async def test_the_ring_evicts_the_oldest_entries(small_journal: AsyncTestClient) -> None:
    for n in range(5):
        await small_journal.get(f"/api/health?n={n}")
    entries = await _entries(small_journal)
    assert [e["query"] for e in entries] == ["n=4", "n=3", "n=2"]
    page = (await small_journal.get("/_sandbox/requests")).json()
    assert page["size"] == 3 and page["capacity"] == 3


async def test_journal_size_zero_turns_it_off(settings: Settings) -> None:
    async with AsyncTestClient(app=create_app(settings.replace(journal_size=0))) as client:
        await client.get("/api/health")
        page = (await client.get("/_sandbox/requests")).json()
        assert page == {"requests": [], "size": 0, "capacity": 0, "newest_id": None}
        assert client.app.state.registry.default.journal is None


async def test_each_workspace_has_its_own_journal(client: AsyncTestClient) -> None:
    created = await client.post("/_sandbox/workspaces", json={"name": "journal-ws"})
    assert created.status_code == 201, created.text
    await client.get("/api/health?where=ws", headers={"X-Sandbox-Workspace": "journal-ws"})
    await client.get("/api/health?where=default")
    in_ws = await _entries(client, path="/api/health")
    assert [e["query"] for e in in_ws] == ["where=default"]
    ws = (
        await client.get(
            "/_sandbox/requests", params={"path": "/api/health"}, headers={"X-Sandbox-Workspace": "journal-ws"}
        )
    ).json()
    assert [e["query"] for e in ws["requests"]] == ["where=ws"]
