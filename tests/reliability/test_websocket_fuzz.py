"""A WebSocket fuzzer against Cashier: random and malformed frames, huge numbers, wrong types, unicode.

One seeded random source builds frames: text that is not JSON, JSON that is not an object, deep
nesting, oversized frames, binary frames, and well-formed frames of every request type whose
fields hold hostile values (huge and tiny numbers, NaN-ish strings, wrong types, unicode, control
characters, very long strings). Every frame must get exactly one ``success``/``error`` reply in the
envelope, never ``internal error``, and the socket must stay open (a ``ping`` still gets its
``pong``). Afterwards the ledger invariants hold. ``PAYSANDBOX_FUZZ_EXAMPLES`` scales the number
of frames (default 3 -> 300 frames).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.reliability.cashier_ws import WS_PATH, funded_user
from tests.reliability.ledger_file import assert_invariants
from tests.support.server import LiveServer

pytestmark = pytest.mark.fuzz

FRAMES = 100 * int(os.environ.get("PAYSANDBOX_FUZZ_EXAMPLES", "3"))
TYPES = [
    "verification_request",
    "verify_otp",
    "verify_totp",
    "get_partners",
    "get_accounts",
    "get_account_balance",
    "get_owner_summary",
    "deposit_request",
    "get_deposit_status",
    "cancel_deposit",
    "withdraw_request",
    "transfer",
    "convert_and_transfer",
    "get_history",
    "get_transaction_by_receipt",
    "get_account_statement",
    "get_owner_statement",
    "get_ledgers",
    "calculate_fee",
]
FIELDS = [
    "amount",
    "currency",
    "to_user_id",
    "account_number",
    "request_ref",
    "receipt_code",
    "code",
    "method",
    "purpose",
    "service",
    "partner_id",
    "destination",
    "agent_id",
    "verification_token",
    "from_currency",
    "to_currency",
    "limit",
    "offset",
    "from",
    "to",
    "type",
    "transaction_type",
    "target_currency",
    "idempotency_key",
    "description",
    "payment_method",
    "country",
]
HOSTILE: list[Any] = [
    0,
    -1,
    1,
    10**30,
    -(10**30),
    2**63,
    2**64,
    1e308,
    -1e308,
    5e-324,
    -0.0,
    0.001,
    1.005,
    123456789.123,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e308",
    "",
    " ",
    "0",
    "-0",
    "1.005",
    "USD",
    "usd",
    "XXX",
    "💸💸💸",
    "\u202eDSU",
    "\x00",
    "ñandú",
    "𝔘𝔖𝔇",
    "a" * 5000,
    "1" * 400,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "2025-13-45T99:99:99Z",
    "ACC-USER-USD-1",
    "RCP-2025-1",
    "DEP-REQ-20250101-001",
    "otp_email",
    "totp",
    "withdrawal",
    "mpesa",
    "PTN-001",
    "AGT-001",
    None,
    True,
    False,
    [],
    {},
    [1, 2],
    {"a": {"b": []}},
]


def _char(rng: random.Random, top: int) -> str:
    code = rng.randrange(1, top)
    return chr(code) if not 0xD800 <= code <= 0xDFFF else "\ufffd"  # a text frame cannot carry lone surrogates


def _value(rng: random.Random) -> Any:
    choice = rng.random()
    if choice < 0.7:
        return rng.choice(HOSTILE)
    if choice < 0.8:
        return rng.uniform(-1e6, 1e6)
    if choice < 0.9:
        return "".join(_char(rng, 0x2FFFF) for _ in range(rng.randrange(1, 40)))
    return [_value(rng) for _ in range(rng.randrange(0, 3))]


def _text(rng: random.Random) -> str:
    """Random text over the whole Unicode range (lone surrogates replaced)."""
    return "".join(_char(rng, 0x10FFFF) for _ in range(rng.randrange(0, 64)))


def frame(rng: random.Random, i: int) -> str | bytes:
    kind = rng.random()
    if kind < 0.05:
        return rng.randbytes(rng.randrange(0, 256))
    if kind < 0.12:
        return rng.choice(
            [
                "",
                "{",
                "}",
                "null",
                "[]",
                "123",
                '"transfer"',
                "{'type': 'x'}",
                '{"type":}',
                "NaN",
                "[" * 5000 + "]" * 5000,
                '{"type": "transfer", "data": ' + "[" * 3000 + "]" * 3000 + "}",
                _text(rng),
            ]
        )
    if kind < 0.15:
        return json.dumps({"type": "transfer", "data": {"description": "x" * 70_000}})
    if kind < 0.22:
        return json.dumps(
            {"type": rng.choice([None, 1, [], {}, "", "TRANSFER", "unknown_" + str(i), "💸"]), "data": {}}
        )
    if kind < 0.28:
        return json.dumps({"type": rng.choice(TYPES), "data": rng.choice([None, 1, "x", [], [{}], True])})
    data = {rng.choice(FIELDS): _value(rng) for _ in range(rng.randrange(0, 6))}
    body: dict[str, Any] = {"type": rng.choice(TYPES), "data": data}
    if rng.random() < 0.3:
        body["id"] = _value(rng)
    return json.dumps(body, ensure_ascii=rng.random() < 0.5)


async def test_cashier_survives_random_frames(live: LiveServer) -> None:
    rng = random.Random(int(os.environ.get("PAYSANDBOX_FUZZ_SEED", "1414")))
    _, token = await funded_user(live, "ws.fuzz@example.com", "USD", 100_000)
    await funded_user(live, "ws.fuzz.peer@example.com", "USD", 0)
    problems: list[str] = []
    async with connect(
        f"{live.ws_url}{WS_PATH}", additional_headers={"Authorization": f"Bearer {token}"}, max_size=2**24
    ) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connected"
        for i in range(FRAMES):
            sent = frame(rng, i)
            await ws.send(sent)
            while True:  # exactly one reply per frame; pushes may come in between
                reply = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if reply.get("type") in ("success", "error", "pong"):
                    break
            if set(reply) - {"type", "data", "timestamp", "id"} or not isinstance(reply.get("data"), dict | None):
                problems.append(f"frame {i}: bad envelope {str(reply)[:200]}")
            if reply["type"] == "error" and "internal error" in str(reply["data"].get("message")):
                problems.append(f"frame {i}: internal error for {str(sent)[:200]}")
            if i % 50 == 0:
                await ws.send(json.dumps({"type": "ping", "id": f"alive-{i}"}))
                pong = json.loads(await asyncio.wait_for(ws.recv(), 30))
                while pong.get("type") not in ("pong", "success", "error"):
                    pong = json.loads(await asyncio.wait_for(ws.recv(), 30))
                assert pong == {**pong, "type": "pong", "id": f"alive-{i}"}, pong
        await ws.send(json.dumps({"type": "get_accounts", "data": {}}))
        final = json.loads(await asyncio.wait_for(ws.recv(), 30))
        while final.get("type") not in ("success", "error"):
            final = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert final["type"] == "success", final
    assert not problems, "\n".join(problems[:30])
    assert_invariants(live.settings.db)
    assert (await live.sandbox.ledger.check()).ok
