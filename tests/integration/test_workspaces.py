"""Workspaces: isolated sandboxes per test run in one process."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from app.core.events import Event
from app.core.ledger.models import Leg
from app.registry import SandboxRegistry


def registry(client: AsyncTestClient) -> SandboxRegistry:
    return client.app.state.registry  # type: ignore[no-any-return]


async def test_create_list_delete(client: AsyncTestClient) -> None:
    resp = await client.post("/_sandbox/workspaces", json={"name": "qa-run-1"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == "qa-run-1" and body["open"] is True and body["size"] > 0
    listed = (await client.get("/_sandbox/workspaces")).json()["workspaces"]
    assert [w["name"] for w in listed] == ["qa-run-1"]
    assert (await client.post("/_sandbox/workspaces", json={"name": "qa-run-1"})).status_code == 409
    assert (await client.post("/_sandbox/workspaces", json={"name": "Bad Name!"})).status_code == 400
    assert (await client.delete("/_sandbox/workspaces/qa-run-1")).status_code == 204
    assert (await client.get("/_sandbox/workspaces")).json()["workspaces"] == []
    assert (await client.delete("/_sandbox/workspaces/qa-run-1")).status_code == 404


async def test_unknown_workspace_is_refused(client: AsyncTestClient) -> None:
    resp = await client.get("/api/health", headers={"X-Sandbox-Workspace": "nope"})
    assert resp.status_code == 404
    assert resp.json()["error"] == "workspace_not_found"


async def test_two_workspaces_never_see_each_other(client: AsyncTestClient) -> None:
    for name in ("alpha", "beta"):
        assert (await client.post("/_sandbox/workspaces", json={"name": name})).status_code == 201
    reg = registry(client)
    alpha, beta = await reg.get("alpha"), await reg.get("beta")

    async def drive(box, email: str, amount: int, advance: float) -> None:
        user = await box.identity.register(email, "Sandbox123!", first_name="Q", last_name="A")
        wallet = await box.ledger.open_account("user", user.id, "USD")
        settlement = await box.ledger.system_account("settlement", "USD")
        await box.ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, amount)])
        await box.identity.start_otp(user.id, "withdrawal", "email")
        await box.events.publish(Event("test.ping", {"email": email}, user.id))
        box.clock.advance(advance)

    await asyncio.gather(drive(alpha, "a@ws.test", 1000, 3600), drive(beta, "b@ws.test", 2000, 0))

    assert await alpha.identity.by_email("b@ws.test") is None
    assert await beta.identity.by_email("a@ws.test") is None
    a_user = await alpha.identity.by_email("a@ws.test")
    b_user = await beta.identity.by_email("b@ws.test")
    assert [a.balance for a in await alpha.ledger.accounts_of("user", a_user.id)] == [1000]
    assert [a.balance for a in await beta.ledger.accounts_of("user", b_user.id)] == [2000]
    assert [m.to for m in await alpha.identity.inbox()] == ["a@ws.test"]
    assert [m.to for m in await beta.identity.inbox()] == ["b@ws.test"]
    assert [e.data["email"] for e in await alpha.events.log(type="test.ping")] == ["a@ws.test"]
    assert [e.data["email"] for e in await beta.events.log(type="test.ping")] == ["b@ws.test"]
    assert alpha.clock.time() - beta.clock.time() > 3000
    assert reg.default.clock.time() < alpha.clock.time()
    for box in (alpha, beta):
        assert (await box.ledger.check()).ok


async def test_token_from_one_workspace_is_refused_in_another(client: AsyncTestClient) -> None:
    for name in ("one", "two"):
        assert (await client.post("/_sandbox/workspaces", json={"name": name})).status_code == 201
    reg = registry(client)
    one, two = await reg.get("one"), await reg.get("two")
    user = await one.identity.register("same@ws.test", "Sandbox123!", first_name="S", last_name="W")
    await two.identity.register("same@ws.test", "Sandbox123!", first_name="S", last_name="W")
    pair = await one.identity.issue_tokens(user, platform="tribble", ttl=3600)
    assert (await one.identity.verify_access(pair.access_token)).user.email == "same@ws.test"
    try:
        await two.identity.verify_access(pair.access_token)
    except Exception as exc:
        assert getattr(exc, "code", "") in {"invalid_token", "token_revoked"}
    else:
        raise AssertionError("a token from workspace 'one' was accepted in workspace 'two'")


async def test_lru_closes_and_reopens_workspaces(client: AsyncTestClient) -> None:
    reg = registry(client)
    reg.settings = reg.settings.replace(max_open_workspaces=2)
    for name in ("w1", "w2", "w3"):
        assert (await client.post("/_sandbox/workspaces", json={"name": name})).status_code == 201
    open_now = {w["name"] for w in (await client.get("/_sandbox/workspaces")).json()["workspaces"] if w["open"]}
    assert open_now == {"w2", "w3"}
    resp = await client.get("/api/health", headers={"X-Sandbox-Workspace": "w1"})
    assert resp.status_code == 200 and resp.json()["db"] == "connected"
    open_now = {w["name"] for w in (await client.get("/_sandbox/workspaces")).json()["workspaces"] if w["open"]}
    assert open_now == {"w3", "w1"}
    reg.settings = reg.settings.replace(workspace_idle_seconds=0)
    # The app runs on the test client's portal loop; close its sandboxes there.
    closed = await asyncio.to_thread(client.blocking_portal.call, reg.close_idle)
    assert closed == 2
    assert not any(w["open"] for w in (await client.get("/_sandbox/workspaces")).json()["workspaces"])


async def test_workspace_from_a_snapshot_and_query_selection(client: AsyncTestClient) -> None:
    reg = registry(client)
    await reg.default.identity.register("snap@ws.test", "Sandbox123!", first_name="S", last_name="N")
    assert (await client.post("/_sandbox/snapshots", json={"name": "base"})).status_code in (200, 201)
    resp = await client.post("/_sandbox/workspaces", json={"name": "from-snap", "from": "base"})
    assert resp.status_code == 201, resp.text
    workspace = await reg.get("from-snap")
    assert await workspace.identity.by_email("snap@ws.test") is not None
    missing = await client.post("/_sandbox/workspaces", json={"name": "x", "from": "no-such-snapshot"})
    assert missing.status_code == 404
    # ?workspace= selects the workspace where headers cannot be set (browsers).
    inbox = await client.get("/_sandbox/inbox", params={"workspace": "from-snap"})
    assert inbox.status_code == 200
    await workspace.identity.start_otp((await workspace.identity.by_email("snap@ws.test")).id, "login", "email")
    inbox = await client.get("/_sandbox/inbox", params={"workspace": "from-snap", "to": "snap@ws.test"})
    assert len(inbox.json()["messages"]) == 1
    default_inbox = await client.get("/_sandbox/inbox", params={"to": "snap@ws.test"})
    assert default_inbox.json()["messages"] == []


async def test_workspaces_with_live_sockets_are_never_closed(client: AsyncTestClient) -> None:
    reg = registry(client)
    reg.settings = reg.settings.replace(max_open_workspaces=1)
    assert (await client.post("/_sandbox/workspaces", json={"name": "pinned"})).status_code == 201
    pinned = await asyncio.to_thread(client.blocking_portal.call, reg.get, "pinned")
    pinned.socket_opened()  # as the Cashier WebSocket and Tribble's Socket.IO do while connected
    # A second workspace opens beyond the limit instead of cutting the socket's workspace off.
    assert (await client.post("/_sandbox/workspaces", json={"name": "other"})).status_code == 201
    open_now = {w["name"] for w in (await client.get("/_sandbox/workspaces")).json()["workspaces"] if w["open"]}
    assert open_now == {"pinned", "other"} and pinned.running
    reg.settings = reg.settings.replace(workspace_idle_seconds=0)
    assert await asyncio.to_thread(client.blocking_portal.call, reg.close_idle) == 1  # "other" only
    assert pinned.running
    pinned.socket_closed()
    assert await asyncio.to_thread(client.blocking_portal.call, reg.close_idle) == 1
    assert not pinned.running
