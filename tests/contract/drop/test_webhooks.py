"""Drop's events reach a real local webhook receiver, signed HMAC-SHA256 in x-webhook-signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.contract.drop.conftest import SessionFactory
from tests.contract.drop.test_merchants_qr import register_merchant


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


async def test_qr_payment_event_is_delivered_signed(
    new_session: SessionFactory, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = receiver
    m = await new_session()
    merchant = await register_merchant(m)
    payer = await new_session()
    hooks = payer.sandbox.simulators.webhooks
    endpoint = await hooks.add_endpoint(url, user_id=await payer.user_id(), secret="whsec_test", platform="drop")
    resp = await payer.http.post("/api/transactions/qr-payment", json={"merchantId": merchant["id"], "amount": 42})
    assert resp.status_code == 201
    await payer.sandbox.scheduler.run_due()
    deliveries = [json.loads(body) for _, body in received]
    assert [d["type"] for d in deliveries] == ["transaction.completed"]
    headers, body = received[0]
    expected = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-webhook-signature"] == expected
    envelope = deliveries[0]
    assert envelope["version"] == "1" and envelope["id"].startswith("evt_")
    assert envelope["data"] == resp.json()["data"]
