"""The /_sandbox control API over real HTTP (Litestar test client) on a real SQLite file."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.core.clock import parse_iso
from app.core.scheduler import Job
from app.db.migrations import apply_migrations
from app.runtime import Sandbox
from app.settings import Settings
from tests.support.server import LiveServer

CONTROL_DOC = Path(__file__).resolve().parents[2] / "docs" / "control-api.md"


def box_of(client: AsyncTestClient) -> Sandbox:
    sandbox: Sandbox = client.app.state.registry.default
    return sandbox


def assert_error(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert isinstance(body["error"], str) and isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["error"] == code, body
    return body


# -- clock ----------------------------------------------------------------------------------------
async def test_clock_endpoints_answer_now_and_frozen(client: AsyncTestClient) -> None:
    resp = await client.get("/_sandbox/clock")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"now", "frozen"} and body["frozen"] is False and body["now"].endswith("Z")

    frozen = (await client.post("/_sandbox/clock/freeze")).json()
    assert frozen["frozen"] is True
    moved = await client.post("/_sandbox/clock/advance", json={"seconds": 90})
    assert moved.status_code == 200
    assert parse_iso(moved.json()["now"]) == pytest.approx(parse_iso(frozen["now"]) + 90)

    at = await client.post("/_sandbox/clock/set", json={"time": "2030-05-01T10:00:00Z"})
    assert at.status_code == 200 and at.json() == {"now": "2030-05-01T10:00:00Z", "frozen": True}
    assert (await client.get("/_sandbox/clock")).json()["now"] == "2030-05-01T10:00:00Z"

    resumed = (await client.post("/_sandbox/clock/resume")).json()
    assert resumed["frozen"] is False
    assert parse_iso(resumed["now"]) >= parse_iso("2030-05-01T10:00:00Z")


async def test_clock_change_is_persisted(client: AsyncTestClient, settings: Settings) -> None:
    await client.post("/_sandbox/clock/freeze")
    await client.post("/_sandbox/clock/set", json={"time": "2031-01-02T03:04:05Z"})
    conn = sqlite3.connect(settings.db)
    try:
        row = conn.execute("SELECT value FROM sandbox_state WHERE key = 'clock'").fetchone()
    finally:
        conn.close()
    assert row is not None and str(parse_iso("2031-01-02T03:04:05Z")) in row[0]

    restarted = Sandbox(settings, settings.db)
    await restarted.start()
    try:
        assert restarted.clock.frozen and restarted.clock.iso() == "2031-01-02T03:04:05Z"
    finally:
        await restarted.stop()


async def test_clock_advance_fires_due_work_once_and_in_order(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    fired: list[str] = []

    async def tick(job: Job) -> None:
        fired.append(job.payload["name"])

    sandbox.scheduler.register("test.tick", tick)
    await client.post("/_sandbox/clock/freeze")
    now = sandbox.clock.time()
    for name, delay in (("ten", 10), ("five", 5), ("twenty", 20), ("five-again", 5)):
        await sandbox.scheduler.schedule("test.tick", now + delay, {"name": name})

    await client.post("/_sandbox/clock/advance", json={"seconds": 15})
    assert fired == ["five", "five-again", "ten"]
    await client.post("/_sandbox/clock/advance", json={"seconds": 0})
    assert fired == ["five", "five-again", "ten"]
    await client.post("/_sandbox/clock/advance", json={"seconds": 10})
    assert fired == ["five", "five-again", "ten", "twenty"]


async def test_scheduled_work_survives_a_restart_and_fires_on_advance(settings: Settings) -> None:
    fired: list[str] = []

    async def tick(job: Job) -> None:
        fired.append(job.payload["name"])

    async with AsyncTestClient(app=create_app(settings)) as first:
        box_of(first).scheduler.register("test.tick", tick)
        await first.post("/_sandbox/clock/freeze")
        await first.post("/_sandbox/clock/set", json={"time": "2031-06-01T00:00:00Z"})
        now = box_of(first).clock.time()
        await box_of(first).scheduler.schedule("test.tick", now + 60, {"name": "later"})
        await box_of(first).scheduler.schedule("test.tick", now + 30, {"name": "sooner"})
    assert fired == []

    async with AsyncTestClient(app=create_app(settings)) as second:
        box_of(second).scheduler.register("test.tick", tick)
        assert (await second.get("/_sandbox/clock")).json() == {"now": "2031-06-01T00:00:00Z", "frozen": True}
        await second.post("/_sandbox/clock/advance", json={"seconds": 45})
        assert fired == ["sooner"]
        await second.post("/_sandbox/clock/advance", json={"seconds": 45})
        assert fired == ["sooner", "later"]
    async with AsyncTestClient(app=create_app(settings)) as third:
        box_of(third).scheduler.register("test.tick", tick)
        await third.post("/_sandbox/clock/advance", json={"seconds": 3600})
    assert fired == ["sooner", "later"]


async def test_clock_bad_input_is_a_json_400(client: AsyncTestClient) -> None:
    assert_error(await client.post("/_sandbox/clock/advance", json={"seconds": "soon"}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/clock/advance", json={"seconds": -5}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/clock/advance", json={}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/clock/advance", content=b"{not json"), 400, "invalid_json")
    assert_error(await client.post("/_sandbox/clock/advance", json={"seconds": 1e300}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/clock/set", json={"time": "yesterday"}), 400, "invalid_time")
    assert_error(await client.post("/_sandbox/clock/set", json={"time": "9999-12-31T00:00:00Z"}), 400)
    assert_error(await client.post("/_sandbox/clock/set", json={"time": 12}), 400, "validation_error")
    assert (await client.get("/_sandbox/clock")).json()["frozen"] is False


# -- snapshots and reset --------------------------------------------------------------------------
async def test_snapshot_list_restore_and_errors(client: AsyncTestClient, settings: Settings) -> None:
    sandbox = box_of(client)
    assert (await client.get("/_sandbox/snapshots")).json() == {"snapshots": []}
    await sandbox.db.execute("INSERT INTO sandbox_state (key, value) VALUES ('marker', 'before')")
    await client.post("/_sandbox/clock/freeze")
    at = (await client.post("/_sandbox/clock/set", json={"time": "2030-01-01T00:00:00Z"})).json()

    created = await client.post("/_sandbox/snapshots", json={"name": "before-change"})
    assert created.status_code == 201
    snap = created.json()
    assert snap["name"] == "before-change" and snap["size"] > 0 and snap["created_at"] == at["now"]
    assert (Path(f"{settings.db}.snapshots") / "before-change.db").is_file()

    await sandbox.db.execute("UPDATE sandbox_state SET value = 'after' WHERE key = 'marker'")
    await client.post("/_sandbox/clock/advance", json={"seconds": 3600})
    listing = (await client.get("/_sandbox/snapshots")).json()
    assert listing == {"snapshots": [snap]}

    restored = await client.post("/_sandbox/snapshots/before-change/restore")
    assert restored.status_code == 200
    assert restored.json() == {"restored": "before-change", "now": "2030-01-01T00:00:00Z", "frozen": True}
    row = await sandbox.db.fetchone("SELECT value FROM sandbox_state WHERE key = 'marker'")
    assert row is not None and row[0] == "before"
    assert sandbox.clock.iso() == "2030-01-01T00:00:00Z"

    assert_error(await client.post("/_sandbox/snapshots/nope/restore"), 404, "snapshot_not_found")
    assert_error(await client.post("/_sandbox/snapshots", json={"name": "../evil"}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/snapshots", json={}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/snapshots/..evil/restore"), 400, "invalid_snapshot_name")
    garbage = Path(f"{settings.db}.snapshots") / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    assert_error(await client.post("/_sandbox/snapshots/garbage/restore"), 409, "snapshot_invalid")
    row = await sandbox.db.fetchone("SELECT value FROM sandbox_state WHERE key = 'marker'")
    assert row is not None and row[0] == "before"
    assert (await client.delete("/_sandbox/snapshots/garbage")).status_code == 204
    assert (await client.delete("/_sandbox/snapshots/before-change")).status_code == 204
    assert (await client.get("/_sandbox/snapshots")).json() == {"snapshots": []}
    assert_error(await client.delete("/_sandbox/snapshots/before-change"), 404, "snapshot_not_found")


async def test_snapshot_under_concurrent_writes_loses_nothing_committed(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    committed: set[str] = set()
    started_after_snapshot: set[str] = set()
    snapshot_done = asyncio.Event()
    enough_committed = asyncio.Event()
    committed_before: set[str] = set()

    async def writer(worker: int) -> None:
        for i in range(150):
            key = f"w{worker}:{i}"
            if snapshot_done.is_set():
                started_after_snapshot.add(key)
            await sandbox.db.write(
                lambda c, k=key: c.execute("INSERT INTO sandbox_state (key, value) VALUES (?, 'x')", (k,))
            )
            committed.add(key)
            if len(committed) >= 300:
                enough_committed.set()
            if i % 10 == 0:
                await asyncio.sleep(0)

    async def snapshotter() -> None:
        await enough_committed.wait()
        committed_before.update(committed)
        resp = await client.post("/_sandbox/snapshots", json={"name": "busy"})
        assert resp.status_code == 201, resp.text
        snapshot_done.set()

    await asyncio.gather(*(writer(w) for w in range(8)), snapshotter())
    assert len(committed) == 8 * 150
    assert started_after_snapshot, "writes must continue after the snapshot for the test to mean anything"

    resp = await client.post("/_sandbox/snapshots/busy/restore")
    assert resp.status_code == 200, resp.text
    rows = await sandbox.db.fetchall("SELECT key FROM sandbox_state WHERE key LIKE 'w%:%'")
    restored = {r[0] for r in rows}
    assert committed_before <= restored
    assert not restored & started_after_snapshot
    assert restored <= committed
    ledger = getattr(sandbox, "ledger", None)
    if ledger is not None:
        assert (await ledger.check()).ok


async def test_reset_to_empty_database(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    await sandbox.db.execute("INSERT INTO sandbox_state (key, value) VALUES ('marker', 'x')")
    await client.post("/_sandbox/clock/freeze")
    await client.post("/_sandbox/clock/set", json={"time": "2035-01-01T00:00:00Z"})
    resp = await client.post("/_sandbox/reset")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["restored"] == "empty" and body["frozen"] is False
    assert await sandbox.db.fetchone("SELECT 1 FROM sandbox_state WHERE key = 'marker'") is None
    assert abs(parse_iso(body["now"]) - parse_iso((await client.get("/_sandbox/clock")).json()["now"])) < 3600
    # The components seeded their reference data again (partners are simulators by id).
    names = [s["name"] for s in (await client.get("/_sandbox/simulators")).json()["simulators"]]
    assert any(n.startswith("partner:PTN-") for n in names)
    assert (await sandbox.ledger.check()).ok


@pytest.fixture
async def example_client(settings: Settings, tmp_path: Path) -> AsyncIterator[AsyncTestClient]:
    example = tmp_path / "example.db"
    conn = sqlite3.connect(example, isolation_level=None)
    apply_migrations(conn)
    conn.execute("INSERT INTO sandbox_state (key, value) VALUES ('seeded', 'yes')")
    conn.close()
    app = create_app(settings.replace(example_db=example))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def test_reset_restores_the_example_database(example_client: AsyncTestClient) -> None:
    sandbox = box_of(example_client)
    await sandbox.db.execute("INSERT INTO sandbox_state (key, value) VALUES ('scratch', 'x')")
    resp = await example_client.post("/_sandbox/reset")
    assert resp.status_code == 200 and resp.json()["restored"] == "example"
    assert await sandbox.db.fetchone("SELECT 1 FROM sandbox_state WHERE key = 'scratch'") is None
    row = await sandbox.db.fetchone("SELECT value FROM sandbox_state WHERE key = 'seeded'")
    assert row is not None and row[0] == "yes"


# -- guard, errors, schema ------------------------------------------------------------------------
@pytest.fixture
async def guarded_client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings.replace(control_token="s3cret"))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def test_control_token_guard(guarded_client: AsyncTestClient) -> None:
    assert_error(await guarded_client.get("/_sandbox/clock"), 401, "unauthorized")
    assert_error(await guarded_client.get("/_sandbox/clock", headers={"X-Sandbox-Token": "wrong"}), 401)
    assert_error(await guarded_client.post("/_sandbox/clock/freeze", headers={"Authorization": "Bearer x"}), 401)
    assert (await guarded_client.get("/_sandbox/clock", headers={"Authorization": "Bearer s3cret"})).status_code == 200
    assert (await guarded_client.get("/_sandbox/clock", headers={"X-Sandbox-Token": "s3cret"})).status_code == 200
    assert not box_of(guarded_client).clock.frozen


async def test_control_api_is_in_the_openapi_schema(client: AsyncTestClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/_sandbox/clock",
        "/_sandbox/clock/advance",
        "/_sandbox/clock/set",
        "/_sandbox/snapshots",
        "/_sandbox/snapshots/{name}/restore",
        "/_sandbox/reset",
        "/_sandbox/events",
        "/_sandbox/events/emit",
        "/_sandbox/settings",
    ):
        assert path in paths, path
    components = schema["components"]["schemas"]
    assert {"ClockState", "SnapshotList", "EventLog"} <= set(components)


# -- inbox, tokens, users -------------------------------------------------------------------------
async def make_user(sandbox: Sandbox, email: str = "qa@example.com", phone: str = "+254700111222") -> Any:
    return await sandbox.identity.register(email, "Sandbox-pass-1", first_name="Qa", last_name="User", phone=phone)


async def test_inbox_newest_first_and_latest(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    user = await make_user(sandbox)
    first = await sandbox.identity.start_otp(user.id, "login", "email")
    second = await sandbox.identity.start_otp(user.id, "transfer", "sms")
    third = await sandbox.identity.start_otp(user.id, "login", "email")

    body = (await client.get("/_sandbox/inbox")).json()
    messages = body["messages"]
    assert [m["code"] for m in messages] == [third.code, second.code, first.code]
    keys = {"id", "channel", "to", "subject", "body", "code", "purpose", "created_at"}
    assert all(set(m) == keys for m in messages)
    assert messages[1]["channel"] == "sms" and messages[1]["to"] == "+254700111222"

    only_login = (await client.get("/_sandbox/inbox", params={"to": user.email, "purpose": "login"})).json()
    assert [m["code"] for m in only_login["messages"]] == [third.code, first.code]

    latest = await client.get("/_sandbox/inbox/latest", params={"to": "+254700111222"})
    assert latest.status_code == 200 and latest.json()["code"] == second.code
    latest_login = await client.get("/_sandbox/inbox/latest", params={"to": user.email, "purpose": "login"})
    assert latest_login.json()["code"] == third.code
    assert_error(await client.get("/_sandbox/inbox/latest", params={"to": "nobody@x.io"}), 404, "message_not_found")
    assert_error(await client.get("/_sandbox/inbox", params={"limit": "many"}), 400, "validation_error")


async def test_mint_token_including_expired(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    user = await make_user(sandbox)
    resp = await client.post("/_sandbox/tokens", json={"email": user.email, "expires_in": 600})
    assert resp.status_code == 201, resp.text
    minted = resp.json()
    assert minted["token_type"] == "Bearer" and minted["user_id"] == user.id and minted["expires_in"] == 600
    principal = await sandbox.identity.verify_access(minted["access_token"])
    assert principal.user.id == user.id

    expired = (await client.post("/_sandbox/tokens", json={"email": user.email, "expires_in": 0})).json()
    from app.core.errors import Unauthorized

    with pytest.raises(Unauthorized) as info:
        await sandbox.identity.verify_access(expired["access_token"])
    assert info.value.code == "token_expired"

    assert_error(await client.post("/_sandbox/tokens", json={"email": "ghost@example.com"}), 404, "user_not_found")
    assert_error(await client.post("/_sandbox/tokens", json={"expires_in": 5}), 400, "validation_error")
    assert_error(await client.post("/_sandbox/tokens", json={"email": user.email, "expires_in": "x"}), 400)


async def test_kyc_totp_and_user_lookup(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    user = await make_user(sandbox)
    resp = await client.post(f"/_sandbox/users/{user.email}/kyc", json={"status": "approved", "tier": 3})
    assert resp.status_code == 200, resp.text
    assert resp.json()["kyc_status"] == "approved" and resp.json()["kyc_tier"] == 3
    stored = await sandbox.identity.get_user(user.id)
    assert stored is not None and stored.kyc_status == "approved" and stored.kyc_tier == 3

    totp = await client.post(f"/_sandbox/users/{user.email}/totp")
    assert totp.status_code == 200
    body = totp.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/") and body["secret"] in body["otpauth_uri"]
    import pyotp

    code = pyotp.TOTP(body["secret"]).at(sandbox.clock.time())
    token = await sandbox.identity.verify_totp(user.id, "login", code)
    assert token.token

    for ref in (str(user.id), user.uuid, user.email.upper()):
        found = await client.get(f"/_sandbox/users/{ref}")
        assert found.status_code == 200 and found.json()["id"] == user.id, ref
    listing = (await client.get("/_sandbox/users")).json()["users"]
    assert [u["email"] for u in listing] == [user.email]

    assert_error(await client.post("/_sandbox/users/ghost@example.com/kyc", json={"status": "approved"}), 404)
    assert_error(await client.post("/_sandbox/users/ghost@example.com/totp"), 404, "user_not_found")
    bad = await client.post(f"/_sandbox/users/{user.email}/kyc", json={"status": "approved", "tier": 9})
    assert_error(bad, 400, "validation_error")
    assert_error(await client.post(f"/_sandbox/users/{user.email}/kyc", json={"status": "maybe"}), 400)


# -- numbers: ids and integers are ASCII digits inside SQLite's 64-bit range ----------------------
async def test_mint_token_for_a_numeric_email_beyond_64_bits_is_a_404(client: AsyncTestClient) -> None:
    body = {"email": "999999999999999999999999999999", "expires_in": 79074}  # found by Schemathesis: was a 500
    assert_error(await client.post("/_sandbox/tokens", json=body), 404, "user_not_found")


@pytest.mark.parametrize(
    "ref",
    [
        "%C2%B2",  # "²": str.isdigit() says yes, int() says no (was a 500)
        "%D9%A1",  # Arabic-Indic "١" and fullwidth "１": int() reads 1, but an id is ASCII digits
        "%EF%BC%91",
        "9223372036854775808",  # 2**63: beyond SQLite's integers (was a 500)
        "9" * 5000,  # beyond int()'s 4300-digit limit
        "-1",
    ],
)
async def test_user_refs_that_are_not_ascii_64_bit_ids_are_404(client: AsyncTestClient, ref: str) -> None:
    await make_user(box_of(client))  # user 1 exists: "١" must not find it
    assert_error(await client.post(f"/_sandbox/users/{ref}/totp"), 404, "user_not_found")
    assert_error(await client.get(f"/_sandbox/users/{ref}"), 404, "user_not_found")
    assert_error(await client.get("/_sandbox/events", params={"user": ref}), 404, "user_not_found")


async def test_event_log_after_beyond_64_bits_is_a_400(client: AsyncTestClient) -> None:
    resp = await client.get("/_sandbox/events?limit=901&after=2520912042583205657387728896")  # was a 500
    assert_error(resp, 400, "validation_error")
    assert (await client.get("/_sandbox/events", params={"after": 2**63 - 1})).json() == {"events": []}


@pytest.mark.parametrize("user", [2**63, 2**70, -(2**63) - 1, -1])
async def test_json_integer_users_beyond_64_bits_are_404(client: AsyncTestClient, user: int) -> None:
    emit = await client.post("/_sandbox/events/emit", json={"user": user, "platform": "drop", "type": "x"})
    assert_error(emit, 404, "user_not_found")
    hook = await client.post("/_sandbox/webhooks/endpoints", json={"url": "http://example.com/hook", "user": user})
    assert_error(hook, 404, "user_not_found")


# -- events, settings, console --------------------------------------------------------------------
async def test_emit_publishes_on_the_bus_and_the_log(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    user = await make_user(sandbox)
    seen: list[Any] = []
    sandbox.events.subscribe(seen.append, {"deposit_completed"})

    for ref in (user.email, user.id, user.uuid):
        resp = await client.post(
            "/_sandbox/events/emit",
            json={"user": ref, "platform": "cashier", "type": "deposit_completed", "data": {"amount": 5}},
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["user_id"] == user.id and resp.json()["platform"] == "cashier"
    assert [(e.type, e.user_id, e.platform, e.data) for e in seen] == [
        ("deposit_completed", user.id, "cashier", {"amount": 5})
    ] * 3

    log = (await client.get("/_sandbox/events", params={"type": "deposit_completed"})).json()["events"]
    assert len(log) == 3 and [e["id"] for e in log] == sorted(e["id"] for e in log)
    after = (await client.get("/_sandbox/events", params={"after": log[0]["id"]})).json()["events"]
    assert [e["id"] for e in after] == [log[1]["id"], log[2]["id"]]
    by_user = (await client.get("/_sandbox/events", params={"user": user.email})).json()["events"]
    assert len(by_user) == 3

    missing = {"user": "ghost@example.com", "platform": "cashier", "type": "x", "data": {}}
    assert_error(await client.post("/_sandbox/events/emit", json=missing), 404, "user_not_found")
    wrong_platform = {"user": user.email, "platform": "paypal", "type": "x"}
    assert_error(await client.post("/_sandbox/events/emit", json=wrong_platform), 400, "validation_error")
    assert_error(await client.post("/_sandbox/events/emit", json={"user": user.email, "platform": "drop"}), 400)
    assert_error(await client.get("/_sandbox/events", params={"after": -1}), 400, "validation_error")


async def test_settings_toggle_rate_limits(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    assert (await client.get("/_sandbox/settings")).json() == {"rate_limits": False}
    on = await client.put("/_sandbox/settings", json={"rate_limits": True})
    assert on.status_code == 200 and on.json() == {"rate_limits": True}
    assert sandbox.ratelimits.enabled is True
    assert not all(sandbox.ratelimits.hit("probe", "k", 1, 60).allowed for _ in range(3))
    off = await client.put("/_sandbox/settings", json={"rate_limits": False})
    assert off.json() == {"rate_limits": False} and sandbox.ratelimits.enabled is False
    assert all(sandbox.ratelimits.hit("probe", "k", 1, 60).allowed for _ in range(3))
    assert_error(await client.put("/_sandbox/settings", json={"rate_limits": "nope"}), 400, "validation_error")
    assert_error(await client.put("/_sandbox/settings", json={"colour": "red"}), 400, "validation_error")


async def test_console_page_renders_server_side(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    user = await make_user(sandbox)
    challenge = await sandbox.identity.start_otp(user.id, "login", "email")
    resp = await client.get("/_sandbox/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    page = resp.text
    assert f'class="code otp-code">{challenge.code}<' in page
    assert user.email in page and 'id="clock-now"' in page
    for section in ("clock", "inbox", "users", "operations", "simulators", "webhooks", "events", "snapshots"):
        assert f'<section id="{section}" class="panel">' in page  # one panel each, behind the side navigation
        assert f'<a href="#{section}" data-panel="{section}">' in page
    script = await client.get("/_sandbox/static/console.js")
    assert script.status_code == 200 and "refreshInbox" in script.text
    assert (await client.get("/_sandbox/static/console.css")).status_code == 200


async def test_unknown_control_paths_are_json_404(client: AsyncTestClient) -> None:
    resp = await client.get("/_sandbox/no-such-thing")
    assert resp.status_code == 404 and resp.json()["error"] == "not_found"


# -- simulators, operations, magic ----------------------------------------------------------------
async def test_simulator_behaviour_get_put_and_effect(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    upi = (await client.get("/_sandbox/simulators/upi")).json()
    assert upi["name"] == "upi" and upi["behaviour"]["delay_seconds"] == 3.0
    assert upi["behaviour"]["delay_max_seconds"] == 10.0 and upi["behaviour"]["outcome"] == "success"

    listing = (await client.get("/_sandbox/simulators")).json()["simulators"]
    names = [s["name"] for s in listing]
    assert {"partner", "upi", "card", "airtime", "bank", "agent"} <= set(names)
    partner_id = next(n for n in names if n.startswith("partner:PTN-")).split(":", 1)[1]

    changed = await client.put(
        f"/_sandbox/simulators/partner:{partner_id}", json={"outcome": "failure", "error_message": "Partner down"}
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["behaviour"]["outcome"] == "failure" and body["overrides"]["outcome"] == "failure"
    assert f"partner:{partner_id}" in [
        s["name"] for s in (await client.get("/_sandbox/simulators")).json()["simulators"]
    ]

    settled: list[tuple[str, str, str | None]] = []

    async def settle(op: Any, outcome: Any) -> None:
        settled.append((op.ref, outcome.status, outcome.error_message))

    sandbox.simulators.operations.register("test.deposit", settle)
    await client.post("/_sandbox/clock/freeze")
    plan = await sandbox.simulators.operations.start(
        "test.deposit", "dep-1", simulator=f"partner:{partner_id}", user_id=None, amount=1000, currency="USD"
    )
    assert plan.outcome == "failure" and plan.delay_seconds == 2.0
    await client.post("/_sandbox/clock/advance", json={"seconds": 1})
    assert settled == []
    await client.post("/_sandbox/clock/advance", json={"seconds": 1})
    assert settled == [("dep-1", "failed", "Partner down")]

    cleared = await client.put(f"/_sandbox/simulators/partner:{partner_id}", json={"outcome": None})
    assert cleared.json()["behaviour"]["outcome"] == "success"

    assert_error(await client.get("/_sandbox/simulators/teleporter"), 400, "unknown_simulator")
    assert_error(await client.get("/_sandbox/simulators/partner:PTN-999"), 404, "simulator_not_found")
    assert_error(await client.put("/_sandbox/simulators/partner:PTN-999", json={"outcome": "failure"}), 404)
    assert_error(await client.put("/_sandbox/simulators/upi", json={"failure_rate": 2}), 400, "validation_error")
    assert_error(await client.put("/_sandbox/simulators/upi", json={"outcome": "maybe"}), 400, "validation_error")
    assert_error(await client.put("/_sandbox/simulators/upi", json={"speed": 1}), 400, "validation_error")


async def test_operations_complete_fail_reverse(client: AsyncTestClient) -> None:
    sandbox = box_of(client)
    settled: list[tuple[str, str]] = []

    async def settle(op: Any, outcome: Any) -> None:
        settled.append((op.ref, outcome.status))

    ops = sandbox.simulators.operations
    ops.register("test.payment", settle)
    manual = {"simulator": "partner", "user_id": None, "amount": 2014, "currency": "USD"}
    plan = await ops.start("test.payment", "pay-1", **manual)
    assert plan.outcome == "manual" and plan.due_at is None
    await ops.start("test.payment", "pay-2", **manual)

    listed = (await client.get("/_sandbox/operations", params={"status": "pending"})).json()["operations"]
    assert {o["ref"] for o in listed} == {"pay-1", "pay-2"}

    done = await client.post("/_sandbox/operations/pay-1/complete")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.headers["x-sandbox-explain"]
    again = await client.post("/_sandbox/operations/pay-1/complete")
    assert again.status_code == 200 and again.json()["status"] == "completed"
    assert settled == [("pay-1", "completed")]

    failed = await client.post("/_sandbox/operations/pay-2/fail", json={"error_message": "Card stolen"})
    assert failed.json()["status"] == "failed" and failed.json()["error_message"] == "Card stolen"
    assert_error(await client.post("/_sandbox/operations/pay-2/complete"), 409, "operation_not_pending")

    reversed_ = await client.post("/_sandbox/operations/pay-1/reverse")
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    assert settled == [("pay-1", "completed"), ("pay-2", "failed"), ("pay-1", "reversed")]
    assert (await client.get("/_sandbox/operations/pay-1")).json()["status"] == "reversed"

    assert_error(await client.post("/_sandbox/operations/nope/complete"), 404, "operation_not_found")
    assert_error(await client.get("/_sandbox/operations/nope"), 404, "operation_not_found")
    assert_error(await client.post("/_sandbox/operations/pay-2/fail", json={"error_message": 5}), 400)
    assert (await sandbox.ledger.check()).ok


async def test_magic_catalogue(client: AsyncTestClient) -> None:
    resp = await client.get("/_sandbox/magic")
    assert resp.status_code == 200
    rules = resp.json()["magic"]
    by_name = {r["name"]: r for r in rules}
    timeout = by_name["amount_timeout"]
    assert timeout["values"] == [".13"] and timeout["outcome"] == "failure"
    assert timeout["error_message"] == "Payment timeout" and "timeout" in timeout["explain"]
    assert {r["field"] for r in rules} >= {"amount", "card"}


# -- webhooks -------------------------------------------------------------------------------------
class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that records webhook posts and answers ``status``."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.status = 500
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Any:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


async def test_webhook_deliveries_listed_and_resent(client: AsyncTestClient, receiver: Receiver) -> None:
    import hashlib
    import hmac
    import json

    sandbox = box_of(client)
    user = await make_user(sandbox)
    await client.post("/_sandbox/clock/freeze")
    created = await client.post(
        "/_sandbox/webhooks/endpoints", json={"url": receiver.url, "user": user.email, "secret": "whsec_test"}
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["user_id"] == user.id and endpoint["secret"] == "whsec_test"
    listed = (await client.get("/_sandbox/webhooks/endpoints")).json()["endpoints"]
    assert [e["id"] for e in listed] == [endpoint["id"]] and listed[0]["secret"] is None

    emitted = await client.post(
        "/_sandbox/events/emit",
        json={"user": user.id, "platform": "drop", "type": "payment.completed", "data": {"amount": 42}},
    )
    assert emitted.status_code == 200
    await client.post("/_sandbox/clock/advance", json={"seconds": 0})

    deliveries = (await client.get("/_sandbox/webhooks")).json()["deliveries"]
    assert len(deliveries) == 1
    delivery = deliveries[0]
    assert delivery["event_type"] == "payment.completed" and delivery["status"] == "pending"
    assert delivery["attempts"] == 1 and delivery["attempt_log"][0]["status_code"] == 500
    assert delivery["payload"]["data"] == {"amount": 42}
    assert set(delivery["payload"]) == {"id", "type", "data", "timestamp", "version"}

    headers, body = receiver.received[-1]
    expected = hmac.new(b"whsec_test", body, hashlib.sha256).hexdigest()
    assert headers["x-webhook-signature"] == expected
    assert json.loads(body)["type"] == "payment.completed"

    receiver.status = 200
    resent = await client.post(f"/_sandbox/webhooks/{delivery['id']}/resend")
    assert resent.status_code == 200, resent.text
    assert resent.json()["status"] == "delivered" and resent.json()["attempts"] == 2
    assert [a["trigger"] for a in resent.json()["attempt_log"]] == ["initial", "resend"]
    assert len(receiver.received) == 2 and receiver.received[1][1] == body

    assert_error(await client.post("/_sandbox/webhooks/whd_nope/resend"), 404, "webhook_delivery_not_found")
    bad_url = await client.post("/_sandbox/webhooks/endpoints", json={"url": "ftp://example.com/x"})
    assert_error(bad_url, 400, "invalid_url")
    broken = await client.post("/_sandbox/webhooks/endpoints", json={"url": "http://[::1/hooks"})
    assert_error(broken, 400, "invalid_url")
    assert (await client.delete(f"/_sandbox/webhooks/endpoints/{endpoint['id']}")).status_code == 204
    assert_error(await client.delete(f"/_sandbox/webhooks/endpoints/{endpoint['id']}"), 404)


async def test_snapshot_under_concurrent_ledger_postings(client: AsyncTestClient) -> None:
    from app.core.ledger.models import Leg

    sandbox = box_of(client)
    ledger = sandbox.ledger
    settlement = await ledger.system_account("settlement", "USD")
    wallets = [(await ledger.open_account("user", 9000 + i, "USD")).id for i in range(4)]
    posted: list[str] = []
    started_after: list[str] = []
    before: list[str] = []
    done = asyncio.Event()
    halfway = asyncio.Event()

    async def deposits(worker: int) -> None:
        for i in range(60):
            key = f"snap-dep:{worker}:{i}"
            if done.is_set():
                started_after.append(key)
            leg = Leg(debit=settlement.id, credit=wallets[worker], amount=100 + i)
            await ledger.post("TRANSACTION_TYPE_DEPOSIT", [leg], idempotency_key=key)
            posted.append(key)
            if len(posted) >= 100:
                halfway.set()

    async def snapshot() -> None:
        await halfway.wait()
        before.extend(posted)
        resp = await client.post("/_sandbox/snapshots", json={"name": "ledger-busy"})
        assert resp.status_code == 201, resp.text
        done.set()

    await asyncio.gather(*(deposits(w) for w in range(4)), snapshot())
    assert (await ledger.check()).ok and started_after
    expected = {w: 0 for w in wallets}

    resp = await client.post("/_sandbox/snapshots/ledger-busy/restore")
    assert resp.status_code == 200, resp.text
    for key in before:
        assert await ledger.journal_by_key(key) is not None, key
    for key in started_after:
        assert await ledger.journal_by_key(key) is None, key
    for key in posted:
        journal = await ledger.journal_by_key(key)
        if journal is not None:
            for entry in journal.entries:
                if entry.account_id in expected and entry.side == "DR_CR_CREDIT":
                    expected[entry.account_id] += entry.amount
    for account_id, total in expected.items():
        assert (await ledger.balance(account_id)).balance == total
    assert (await ledger.check()).ok


def test_explain_header_helper() -> None:
    from litestar import Response

    from app.sandbox.explain import EXPLAIN_HEADER, explain_headers, set_explain

    response: Response[dict[str, str]] = Response({})
    set_explain(response, None)
    assert EXPLAIN_HEADER not in response.headers
    set_explain(response, "amount ends in .13: partner timeout")
    set_explain(response, "amount ends in .13: partner timeout")
    set_explain(response, "second\nrule ✓")
    assert response.headers[EXPLAIN_HEADER] == "amount ends in .13: partner timeout; second rule ?"
    assert explain_headers(None, "") == {}
    assert explain_headers("a", "b") == {EXPLAIN_HEADER: "a; b"}


async def test_docs_cover_every_control_endpoint_and_the_magic_table(client: AsyncTestClient) -> None:
    from app.sandbox.magic_table import current_table, table_in

    doc = CONTROL_DOC.read_text(encoding="utf-8")
    assert table_in(doc) == current_table(), "run: python -m app.sandbox.magic_table docs/control-api.md"
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    examples = [curl_target(c) for c in doc_commands() if "curl" in c]
    owned = ("/_sandbox/workspaces", "/_sandbox/bench")  # documented by their own owners
    for path, operations in paths.items():
        if not path.startswith("/_sandbox") or path.startswith(owned):
            continue
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", r"[^/?]+", re.escape(path)) + r"/?(\?.*)?$")
        for method in operations:
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            assert any(m == method.upper() and pattern.match(url) for m, url in examples), (
                f"no curl example of {method.upper()} {path} in docs/control-api.md"
            )
            heading = path.replace("{user_ref}", "{user}").replace("{endpoint_id}", "{id}")
            assert f"{method.upper()} | `{heading}" in doc or f"{method.upper()} {heading}" in doc, (
                f"{method.upper()} {path} is not described in docs/control-api.md"
            )


def curl_target(command: str) -> tuple[str, str]:
    """(method, path) of the first curl call of a documented shell command."""
    curl = command[command.index("curl") :]
    method_match = re.search(r"-X (\w+)", curl)
    url_match = re.search(r'"?\$S(/[^"\s|)]*)', curl)
    assert url_match is not None, command
    return (method_match.group(1) if method_match else "GET"), "/_sandbox" + url_match.group(1)


async def test_restore_and_reset_reload_identity_state(client: AsyncTestClient) -> None:
    from app.core.errors import Unauthorized

    sandbox = box_of(client)
    user = await make_user(sandbox)
    minted = (await client.post("/_sandbox/tokens", json={"email": user.email, "expires_in": 3600})).json()
    assert (await client.post("/_sandbox/snapshots", json={"name": "token-live"})).status_code == 201

    await sandbox.identity.revoke(minted["jti"])
    with pytest.raises(Unauthorized):
        await sandbox.identity.verify_access(minted["access_token"])

    assert (await client.post("/_sandbox/snapshots/token-live/restore")).status_code == 200
    principal = await sandbox.identity.verify_access(minted["access_token"])  # revocation cache reloaded
    assert principal.user.email == user.email

    assert (await client.post("/_sandbox/reset")).json()["restored"] == "empty"
    with pytest.raises(Unauthorized):  # the user (and the signing secret) are gone
        await sandbox.identity.verify_access(minted["access_token"])
    assert_error(await client.get(f"/_sandbox/users/{user.email}"), 404, "user_not_found")


async def test_control_api_follows_the_workspace(client: AsyncTestClient) -> None:
    created = await client.post("/_sandbox/workspaces", json={"name": "qa-one"})
    assert created.status_code == 201, created.text
    ws = {"X-Sandbox-Workspace": "qa-one"}
    assert (await client.post("/_sandbox/clock/freeze", headers=ws)).json()["frozen"] is True
    frozen = await client.post("/_sandbox/clock/set", headers=ws, json={"time": "2040-01-01T00:00:00Z"})
    assert frozen.status_code == 200 and frozen.json()["now"] == "2040-01-01T00:00:00Z"
    assert (await client.get("/_sandbox/clock")).json()["frozen"] is False
    assert (await client.post("/_sandbox/snapshots", headers=ws, json={"name": "ws-snap"})).status_code == 201
    assert [s["name"] for s in (await client.get("/_sandbox/snapshots", headers=ws)).json()["snapshots"]] == ["ws-snap"]
    assert (await client.get("/_sandbox/snapshots")).json() == {"snapshots": []}
    page = await client.get("/_sandbox/", params={"workspace": "qa-one"})
    assert page.status_code == 200 and 'data-workspace="qa-one"' in page.text


# -- the documentation's curl examples, run against a live server ----------------------------------
def doc_commands() -> list[str]:
    """Every shell command of the ```sh blocks in docs/control-api.md (continuations joined)."""
    commands: list[str] = []
    in_block = False
    pending = ""
    for line in CONTROL_DOC.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            in_block = line.strip() == "```sh"
            continue
        if not in_block or line.strip().startswith("#") or not line.strip():
            continue
        pending += line.strip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        commands.append(pending)
        pending = ""
    return commands


CURL_WRAPPER = r"""
set -euo pipefail
curl() {
  local out code
  out=$(command curl -sS -w '\n%{http_code}' "$@")
  code=${out##*$'\n'}
  echo "$code" >> "$CODES"
  printf '%s' "${out%$'\n'*}"
}
"""


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="curl and jq are not installed")
async def test_every_documented_curl_example_works(live: LiveServer, tmp_path: Path) -> None:
    sandbox = live.sandbox
    user = await make_user(sandbox, "amina@example.com", "+254712345678")
    await sandbox.identity.start_otp(user.id, "login", "email")
    await sandbox.identity.start_otp(user.id, "login", "sms")

    async def settle(op: Any, outcome: Any) -> None:
        return None

    sandbox.simulators.operations.register("docs.example", settle)
    for ref in ("DEP-7F3A2C", "WDR-19B2"):
        await sandbox.simulators.operations.start(
            "docs.example", ref, simulator="partner:PTN-001", user_id=user.id, amount=1014, currency="USD"
        )

    commands = doc_commands()
    assert len(commands) > 30
    codes = tmp_path / "codes"
    script = CURL_WRAPPER + "".join(
        f'echo "# {i}" >> "$CODES"\n{command}\necho\n' for i, command in enumerate(commands)
    )
    env = {"PATH": os.environ["PATH"], "S": f"{live.base_url}/_sandbox", "CODES": str(codes)}
    env["PAYSANDBOX_CONTROL_TOKEN"] = ""
    proc = await asyncio.create_subprocess_exec(
        "bash", "-c", script, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    statuses: dict[int, list[str]] = {}
    current = -1
    for line in codes.read_text().splitlines():
        if line.startswith("# "):
            current = int(line[2:])
            statuses[current] = []
        else:
            statuses[current].append(line.strip())
    assert sorted(statuses) == list(range(len(commands)))
    for i, command in enumerate(commands):
        got = statuses[i]
        assert got and all(s.startswith("2") for s in got), f"{command} -> {got}\n{out.decode()[-1500:]}"
    assert (await sandbox.ledger.check()).ok
