"""End to end on a real server: an event emitted over HTTP reaches a real receiver through the background scheduler."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support.server import LiveServer


@pytest.fixture
def inbox() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]], threading.Event]]:
    received: list[tuple[dict[str, str], bytes]] = []
    arrived = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
            arrived.set()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/receiver", received, arrived
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_emitted_event_is_delivered_signed_by_the_running_server(
    live: LiveServer, inbox: tuple[str, list[tuple[dict[str, str], bytes]], threading.Event]
) -> None:
    url, received, arrived = inbox
    user = await live.sandbox.identity.register(
        "hooks@example.com", "Passw0rd!long", first_name="Hook", last_name="Receiver"
    )
    async with httpx.AsyncClient(base_url=live.base_url, timeout=10) as http:
        created = await http.post(
            "/_sandbox/webhooks/endpoints", json={"url": url, "user": user.email, "secret": "whsec_live"}
        )
        assert created.status_code == 201, created.text
        emitted = await http.post(
            "/_sandbox/events/emit",
            json={"user": user.email, "platform": "drop", "type": "user.updated", "data": {"id": user.drop_id}},
        )
        assert emitted.status_code == 200, emitted.text
        assert arrived.wait(15), "the background scheduler did not deliver the webhook"
        headers, body = received[0]
        expected = hmac.new(b"whsec_live", body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-webhook-signature"], expected)
        envelope = json.loads(body)
        assert envelope["type"] == "user.updated" and envelope["data"] == {"id": user.drop_id}
        assert envelope["version"] == "1"
        listed = await http.get("/_sandbox/webhooks")
        assert listed.status_code == 200
        [delivery] = [d for d in listed.json()["deliveries"] if d["event_type"] == "user.updated"]
        assert delivery["status"] in ("delivered", "pending")  # the log row may trail the HTTP answer by a moment
