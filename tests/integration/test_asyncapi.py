"""The AsyncAPI 3.0 documents of Cashier's WebSocket and Tribble's Socket.IO (/schema/asyncapi/*.json).

Validated by the spec's own JavaScript parser (@asyncapi/parser, tests/js/validate_asyncapi.mjs);
every request type the Cashier dispatcher accepts, every push and every Socket.IO event of the
contract inventory is described; and real frames, pushes and events from a live server fit the
Structs the documents are generated from, field by field (strict, unknown fields refused).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from websockets.asyncio.client import connect

from app.platforms.cashier import messages as cashier_messages
from app.platforms.cashier.dispatch import OPERATIONS
from app.platforms.tribble.realtime import EVENTS
from app.platforms.tribble.schemas import events as schemas_events
from app.settings import REPO_ROOT
from tests.support.platform_reads import bearer, mint_token
from tests.support.server import LiveServer

JS_DIR = REPO_ROOT / "tests" / "js"
NODE = shutil.which("node")
INVENTORY = json.loads((REPO_ROOT / "tests" / "support" / "inventory.json").read_text())
needs_parser = pytest.mark.skipif(
    NODE is None or not (JS_DIR / "node_modules" / "@asyncapi" / "parser").is_dir(),
    reason="node or tests/js/node_modules (npm ci in tests/js) is missing",
)


def parse(document: dict[str, Any], tmp_path: Path, name: str) -> dict[str, Any]:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(JS_DIR / "validate_asyncapi.mjs"), str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    result["exit"] = proc.returncode
    return result


async def documents(client: AsyncTestClient) -> dict[str, dict[str, Any]]:
    out = {}
    for name in ("cashier", "tribble"):
        resp = await client.get(f"/schema/asyncapi/{name}.json")
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
        out[name] = resp.json()
    return out


@needs_parser
async def test_the_parser_accepts_both_documents_and_they_describe_every_message(
    client: AsyncTestClient, tmp_path: Path
) -> None:
    docs = await documents(client)
    cashier, tribble = parse(docs["cashier"], tmp_path, "cashier"), parse(docs["tribble"], tmp_path, "tribble")
    for result in (cashier, tribble):
        assert result["valid"] and result["exit"] == 0, result["errors"]
        assert result["version"] == "3.0.0" and result["warnings"] == []
    (ws,) = INVENTORY["websocket"]
    received = {op["messages"][0] for op in cashier["operations"] if op["action"] == "receive"}
    assert received == set(OPERATIONS) | {"ping"} == set(ws["requests"]) | {"ping"}
    sent = {m for op in cashier["operations"] if op["action"] == "send" for m in op["messages"]}
    assert sent == set(ws["pushes"]) | {"connected"}
    replies = {m for op in cashier["operations"] for m in op["reply"]}
    assert replies == {"success", "error", "pong"} and set(ws["server_messages"]) <= set(cashier["messages"])
    (sio,) = INVENTORY["socketio"]
    events = {m for op in tribble["operations"] if op["action"] == "send" for m in op["messages"]}
    assert events == set(sio["events"]) == set(EVENTS)
    emits = {m for op in tribble["operations"] if op["action"] == "receive" for m in op["messages"]}
    assert set(sio["client_emits"]) <= emits == {"connect", "subscribe", "unsubscribe"}
    assert {"subscribe ack", "connect_error"} <= {m for op in tribble["operations"] for m in op["reply"]}
    # The data of each request is the Struct the dispatcher converts it into.
    schemas = docs["cashier"]["components"]["schemas"]
    for name, (struct, _) in OPERATIONS.items():
        payload = docs["cashier"]["components"]["messages"][name]["payload"]
        assert payload["properties"]["data"] == {"$ref": f"#/components/schemas/{struct.__name__}"}
        assert set(schemas[struct.__name__].get("properties", {})) == {
            f.encode_name for f in msgspec.structs.fields(struct)
        }


@needs_parser
async def test_the_parser_refuses_a_broken_document(client: AsyncTestClient, tmp_path: Path) -> None:
    doc = (await documents(client))["cashier"]
    doc["operations"]["transfer"]["channel"] = {"$ref": "#/channels/nowhere"}
    del doc["info"]["version"]
    result = parse(doc, tmp_path, "broken")
    assert not result["valid"] and result["exit"] == 1 and result["errors"]


FIXTURE = {
    "clock": {"start": "2026-03-10T09:00:00Z"},
    "users": {
        "payer": {
            "email": "payer@asyncapi.example",
            "password": "Payer-pass-1",
            "first_name": "Pay",
            "last_name": "Er",
            "kyc": {"status": "approved", "tier": 2},
            "balances": [{"currency": "USD", "amount": 500_000}],
        },
        "payee": {
            "email": "payee@asyncapi.example",
            "password": "Payee-pass-1",
            "first_name": "Pay",
            "last_name": "Ee",
        },
    },
    "cashier_deposits": {
        "dep_ok": {"user": "@payer", "amount": 10_000, "currency": "USD", "service": "paypal"},
        "dep_bad": {"user": "@payer", "amount": 10_000, "currency": "USD", "service": "paypal"},
    },
    "cashier_withdrawals": {
        "wdr_ok": {"user": "@payer", "amount": 5_000, "currency": "USD", "destination": "+254711000001"},
        "wdr_bad": {"user": "@payer", "amount": 5_000, "currency": "USD", "destination": "+254711000001"},
    },
}


async def test_real_cashier_frames_and_pushes_fit_the_described_structs(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        applied = await http.post("/_sandbox/fixtures", json=FIXTURE)
        assert applied.status_code == 200, applied.text
        ids = {name: item["ids"] for name, item in applied.json()["items"].items()}
        token = await mint_token(http, "payer@asyncapi.example")
        frames: list[dict[str, Any]] = []
        async with connect(f"{live.ws_url}/cashier/svc/ws", additional_headers=bearer(token)) as ws:

            async def until(kinds: set[str]) -> None:
                while not kinds <= {f["type"] for f in frames}:
                    frames.append(json.loads(await asyncio.wait_for(ws.recv(), 15)))

            await until({"connected"})
            await ws.send(json.dumps({"type": "get_accounts", "data": {}, "id": "r1"}))
            await ws.send(json.dumps({"type": "transfer", "data": {"to_user_id": "nobody", "amount": 1}}))
            await ws.send(json.dumps({"type": "ping", "id": 7}))
            await until({"success", "error", "pong"})
            await ws.send(
                json.dumps(
                    {
                        "type": "transfer",
                        "data": {"to_user_id": str(ids["payee"]["id"]), "amount": 12.5, "currency": "USD"},
                    }
                )
            )
            for name, action in (
                ("dep_ok", "complete"),
                ("dep_bad", "fail"),
                ("wdr_ok", "complete"),
                ("wdr_bad", "fail"),
            ):
                settled = await http.post(f"/_sandbox/operations/{ids[name]['operation']}/{action}")
                assert settled.status_code == 200, settled.text
            await until(set(cashier_messages.PUSHES))
    checked: set[str] = set()
    for frame in frames:
        kind = frame["type"]
        if kind in cashier_messages.REPLIES:
            msgspec.convert(frame, cashier_messages.REPLIES[kind], strict=True)
        else:
            assert set(frame) == {"type", "data", "timestamp"}, frame
            msgspec.convert(frame["data"], cashier_messages.PUSHES[kind], strict=True)
        checked.add(kind)
    assert checked == set(cashier_messages.REPLIES) | set(cashier_messages.PUSHES)


async def test_real_tribble_events_fit_the_described_structs(live: LiveServer) -> None:
    body = (REPO_ROOT / "examples" / "fixtures" / "marketplace.yaml").read_bytes()
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        applied = await http.post("/_sandbox/fixtures", content=body, headers={"Content-Type": "application/yaml"})
        assert applied.status_code == 200, applied.text
        merchant = applied.json()["items"]["shop"]["ids"]["tribble"]["merchantId"]
        login = await http.post(
            "/api/v1/auth/login", json={"email": "tunde@customers.example", "password": "Tunde-pass-1"}
        )
        tunde = bearer(login.json()["accessToken"])
        funded = await http.post(
            "/_sandbox/users/tunde@customers.example/fund",
            json={"currency": "NGN", "amount": 5_000_000, "platform": "tribble"},
        )
        assert funded.status_code == 200, funded.text
        paid = await http.post(
            "/api/v1/transactions", json={"amount": 10, "currency": "NGN", "merchantId": merchant}, headers=tunde
        )
        assert paid.status_code == 201, paid.text
        risky = {**tunde, "X-Device-Id": "new-device", "X-Forwarded-For": "198.51.100.9", "X-Country": "US"}
        blocked = await http.post(
            "/api/v1/transactions", json={"amount": 20000, "currency": "NGN", "merchantId": merchant}, headers=risky
        )
        assert blocked.status_code == 403, blocked.text  # a fraud block publishes fraud:risk_alert
        events = (await http.get("/_sandbox/events", params={"limit": 1000})).json()["events"]
    seen = set()
    for event in events:
        if event["platform"] != "tribble":
            continue
        envelope = {"event": event["type"], "data": event["data"]}  # what realtime emits under the name
        msgspec.convert(envelope, schemas_events.EVENTS[event["type"]], strict=True)
        seen.add(event["type"])
    assert seen == set(EVENTS)
    ack = msgspec.json.decode(
        b'{"subscribed": ["transaction:all"], "rejected": ["user:x"]}', type=schemas_events.SubscribeAck
    )
    assert ack.rejected == ["user:x"]
