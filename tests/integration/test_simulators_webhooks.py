"""Webhooks against a real HTTP receiver on 127.0.0.1: signature, envelope, retries on the sandbox clock, resend."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core.errors import NotFound, ValidationFailed
from app.core.events import Event
from app.runtime import Sandbox
from app.settings import Settings
from simulators.webhooks import BACKOFF_SECONDS, verify
from tests.support.sandboxes import started_sandbox


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # status codes to answer, in order; the last one repeats
    statuses: list[int] = field(default_factory=lambda: [200])

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            rec = state["rec"]
            rec.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status = rec.next_status()
            payload = b'{"ok": true}' if status < 300 else b'{"error": "nope"}'
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["rec"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["rec"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """Scheduler driven by hand (no background loop): attempts fire when the test runs what is due."""
    async with started_sandbox(settings.replace(scheduler=False)) as box:
        box.clock.freeze()
        yield box


def documented_check(secret: str, raw_body: bytes, signature: str) -> bool:
    """Drop's snippet: createHmac('sha256', secret).update(rawBody).digest('hex'), timingSafeEqual."""
    computed = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(), computed.encode())


async def test_bus_event_is_delivered_signed_with_the_documented_envelope(sandbox: Sandbox, receiver: Receiver) -> None:
    hub = sandbox.simulators
    endpoint = await hub.webhooks.add_endpoint(receiver.url, secret="whsec_test_secret")
    event = await sandbox.events.publish(Event("user.created", {"id": "usr_1", "email": "a@b.c"}, 5, "drop"))
    assert await sandbox.scheduler.run_due() == 1
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.path == "/hooks"
    assert documented_check(endpoint.secret, got.body, got.headers["x-webhook-signature"])
    assert verify(endpoint.secret, got.body, got.headers["x-webhook-signature"])
    assert not documented_check("wrong", got.body, got.headers["x-webhook-signature"])
    envelope = json.loads(got.body)
    assert set(envelope) == {"id", "type", "data", "timestamp", "version"}
    assert envelope["type"] == "user.created" and envelope["version"] == "1"
    assert envelope["data"] == {"id": "usr_1", "email": "a@b.c"}
    assert envelope["id"].startswith("evt_") and envelope["timestamp"] == event.created_at
    [delivery] = await hub.webhooks.deliveries()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status_code == 200
    assert delivery.attempt_log[0].trigger == "initial" and delivery.attempt_log[0].ok
    # running again delivers nothing twice
    assert await sandbox.scheduler.run_due() == 0
    assert len(receiver.requests) == 1


async def test_retries_back_off_on_the_sandbox_clock_then_fail_and_resend(sandbox: Sandbox, receiver: Receiver) -> None:
    hub = sandbox.simulators
    receiver.statuses = [500]
    await hub.webhooks.add_endpoint(receiver.url, secret="s3cret")
    await sandbox.events.publish(Event("payment.failed", {"id": "pay_1"}, 1, "drop"))
    await sandbox.scheduler.run_due()
    assert len(receiver.requests) == 1
    for n, wait in enumerate(BACKOFF_SECONDS, start=2):
        [delivery] = await hub.webhooks.deliveries()
        assert delivery.status == "pending"
        assert delivery.next_attempt_at == pytest.approx(sandbox.clock.time() + wait)
        sandbox.clock.advance(wait - 1)
        await sandbox.scheduler.run_due()
        assert len(receiver.requests) == n - 1, "a retry fired before its backoff elapsed"
        sandbox.clock.advance(1)
        await sandbox.scheduler.run_due()
        assert len(receiver.requests) == n
    [delivery] = await hub.webhooks.deliveries()
    assert delivery.status == "failed" and delivery.attempts == 6 and delivery.last_status_code == 500
    assert [a.trigger for a in delivery.attempt_log] == ["initial"] + ["retry"] * 5
    sandbox.clock.advance(10 * 24 * 3600)
    await sandbox.scheduler.run_due()
    assert len(receiver.requests) == 6
    # every attempt carried the same bytes and signature
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["x-webhook-signature"] for r in receiver.requests}) == 1

    receiver.statuses = [204]
    resent = await hub.webhooks.resend(delivery.id)
    assert resent.status == "delivered" and resent.attempts == 7
    assert resent.attempt_log[-1].trigger == "resend"
    assert receiver.requests[-1].body == receiver.requests[0].body
    with pytest.raises(NotFound):
        await hub.webhooks.resend("whd_missing")


async def test_endpoint_matching_by_user_type_and_platform(sandbox: Sandbox, receiver: Receiver) -> None:
    hub = sandbox.simulators
    mine = await hub.webhooks.add_endpoint(receiver.url + "/u7", user_id=7)
    typed = await hub.webhooks.add_endpoint(receiver.url + "/typed", event_types=["user.*"], platform="drop")
    await sandbox.events.publish(Event("user.updated", {"id": 1}, 7, "drop"))
    await sandbox.events.publish(Event("user.updated", {"id": 2}, 8, "drop"))
    await sandbox.events.publish(Event("deposit_completed", {"id": 3}, 8, "cashier"))
    await sandbox.events.publish(Event("transfer_received", {"id": 4}, 9, "cashier", also_users=(7,)))
    await sandbox.scheduler.run_due()
    by_path: dict[str, list[int]] = {}
    for r in receiver.requests:
        by_path.setdefault(r.path, []).append(json.loads(r.body)["data"]["id"])
    assert sorted(by_path["/hooks/u7"]) == [1, 4]
    assert sorted(by_path["/hooks/typed"]) == [1, 2]
    assert {d.endpoint_id for d in await hub.webhooks.deliveries(user_id=8)} == {typed.id}
    assert (await hub.webhooks.endpoints(user_id=7)) == [mine]

    direct = await hub.webhooks.deliver_event("user.deleted", {"id": 5}, user_id=7, platform="drop")
    assert {d.endpoint_id for d in direct} == {mine.id, typed.id}
    await sandbox.scheduler.run_due()
    assert sum(1 for r in receiver.requests if json.loads(r.body)["data"]["id"] == 5) == 2

    await hub.webhooks.remove_endpoint(mine.id)
    assert await hub.webhooks.get_endpoint(mine.id) is None
    with pytest.raises(ValidationFailed):
        await hub.webhooks.add_endpoint("ftp://example.com/x")


async def test_unreachable_endpoint_is_logged_and_retried(sandbox: Sandbox) -> None:
    from tests.support.server import free_port

    hub = sandbox.simulators
    await hub.webhooks.add_endpoint(f"http://127.0.0.1:{free_port()}/closed")
    await sandbox.events.publish(Event("user.created", {"id": 1}, 1, "drop"))
    await sandbox.scheduler.run_due()
    [delivery] = await hub.webhooks.deliveries()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error and "Connect" in delivery.last_error
    assert delivery.attempt_log[0].error == delivery.last_error


async def test_malformed_urls_are_validation_errors(sandbox: Sandbox) -> None:
    for bad in ("http://[::1/x", "http://host:99999/x", "not a url", "", "mailto:a@b.c"):
        with pytest.raises(ValidationFailed) as err:
            await sandbox.simulators.webhooks.add_endpoint(bad)
        assert err.value.code == "invalid_url"


async def test_endpoints_added_later_or_restored_underneath_are_seen(sandbox: Sandbox, receiver: Receiver) -> None:
    hub = sandbox.simulators
    await sandbox.events.publish(Event("user.created", {"id": 1}, 1, "drop"))  # nobody listens yet
    await hub.webhooks.add_endpoint(receiver.url + "/a")
    await sandbox.events.publish(Event("user.created", {"id": 2}, 1, "drop"))
    await sandbox.scheduler.run_due()
    assert [json.loads(r.body)["data"]["id"] for r in receiver.requests] == [2]

    # an endpoint row that appears underneath (as after a snapshot restore) is picked up after the start hooks
    [endpoint] = await hub.webhooks.endpoints()
    await hub.webhooks.remove_endpoint(endpoint.id)
    await sandbox.events.publish(Event("user.created", {"id": 3}, 1, "drop"))
    await sandbox.db.execute(
        "INSERT INTO webhook_endpoints (id, url, secret, active, created_at) VALUES ('we_restored', ?, 'x', 1, 0)",
        (receiver.url + "/restored",),
    )
    await hub.on_start()
    await sandbox.events.publish(Event("user.created", {"id": 4}, 1, "drop"))
    await sandbox.scheduler.run_due()
    assert [(r.path, json.loads(r.body)["data"]["id"]) for r in receiver.requests] == [
        ("/hooks/a", 2),
        ("/hooks/restored", 4),
    ]
