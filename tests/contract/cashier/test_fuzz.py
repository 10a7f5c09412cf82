"""Random data for every request type: always a reply, never "internal error", never a closed socket."""

from __future__ import annotations

import json
import os
import random
from typing import Any

import msgspec
import pytest

from app.platforms.cashier.dispatch import OPERATIONS
from tests.contract.cashier.conftest import CashierUser, cashier_socket, fund
from tests.support.server import LiveServer

EXAMPLES = int(os.environ.get("PAYSANDBOX_FUZZ_EXAMPLES", "150"))


def _value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(12 if depth < 2 else 9)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 1, 7, 10**18, -(10**20), 2**63])
    if choice == 3:
        return rng.choice([0.1, -0.0, 1e308, 5.005, 100.13, 1e-9])
    if choice == 4:
        return rng.choice(["", " ", "USD", "usd", "XXX", "abc", "NaN", "Infinity", "1e3", "12.345", "-5"])
    if choice == 5:
        return rng.choice(["mpesa", "paypal", "all", "deposits", "withdrawal", "totp", "otp_sms", "PTN-001"])
    if choice == 6:
        return rng.choice(["2025-12-01T00:00:00Z", "2025-13-01", "not a date", "2025-12-07", "0000-00-00T00:00:00Z"])
    if choice == 7:
        return rng.choice(["ACC-USER-USD-1", "RCP-2025-388065207815057408", "DEP-REQ-20250101-001", "\u0000\ud7ff"])
    if choice == 8:
        return "x" * rng.choice([1, 100, 5000])
    if choice == 9:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {f"k{i}": _value(rng, depth + 1) for i in range(rng.randrange(3))}


def _data(rng: random.Random, struct: type) -> dict[str, Any]:
    fields = [f.encode_name for f in msgspec.structs.fields(struct)]
    data: dict[str, Any] = {}
    for name in fields:
        if rng.random() < 0.8:
            data[name] = _value(rng)
    if rng.random() < 0.2:
        data["unexpected"] = _value(rng)
    return data


@pytest.mark.fuzz
async def test_random_requests_never_break_the_socket(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 100000)
    rng = random.Random(20251207)
    kinds = sorted(OPERATIONS)
    async with cashier_socket(live, user.token) as client:
        for i in range(EXAMPLES):
            kind = rng.choice(kinds)
            frame: dict[str, Any] = {"type": kind, "data": _data(rng, OPERATIONS[kind][0]), "id": i}
            await client.ws.send(json.dumps(frame))
            reply = await client.reply()
            assert reply["type"] in ("success", "error"), frame
            assert reply["id"] == i
            if reply["type"] == "error":
                assert reply["data"]["message"] != "internal error", frame
        assert (await client.ok("get_accounts"))["message"] == "accounts retrieved"
    assert (await live.sandbox.ledger.check()).ok
