"""Every Cashier request type and push in shared/contracts/inventory.json is handled."""

from __future__ import annotations

import json
from pathlib import Path

from app.platforms.cashier.dispatch import OPERATIONS
from tests.contract.cashier.conftest import CashierUser, cashier_socket
from tests.support.contracts import SHARED_INVENTORY
from tests.support.server import LiveServer

INVENTORY = SHARED_INVENTORY
LOCAL_COPY = Path(__file__).with_name("inventory_cashier.json")


def _cashier_inventory() -> dict:
    source = INVENTORY if INVENTORY.exists() else LOCAL_COPY
    entries = json.loads(source.read_text())["websocket"]
    return next(e for e in entries if e["platform"] == "cashier")


def test_local_inventory_copy_matches_the_shared_one() -> None:
    if INVENTORY.exists():
        shared = _cashier_inventory()
        local = next(e for e in json.loads(LOCAL_COPY.read_text())["websocket"] if e["platform"] == "cashier")
        assert local == shared


def test_every_request_type_has_a_handler() -> None:
    inventory = _cashier_inventory()
    assert inventory["endpoint"] == "/cashier/svc/ws"
    assert len(inventory["requests"]) == 19
    assert sorted(OPERATIONS) == sorted(inventory["requests"])


async def test_every_request_type_is_answered_on_the_socket(live: LiveServer, user: CashierUser) -> None:
    inventory = _cashier_inventory()
    async with cashier_socket(live, user.token) as client:
        for kind in inventory["requests"]:
            reply = await client.request(kind, {})
            assert reply["type"] in ("success", "error"), kind
            if reply["type"] == "error":
                assert not reply["data"]["message"].startswith("unknown message type"), kind
                assert reply["data"]["message"] != "internal error", kind


def test_every_push_is_published_by_the_platform() -> None:
    inventory = _cashier_inventory()
    package = Path(__file__).resolve().parents[3] / "app" / "platforms" / "cashier"
    source = "\n".join(p.read_text() for p in package.glob("*.py"))
    for push in inventory["pushes"]:
        assert f'"{push}"' in source, push
    for message in inventory["server_messages"]:
        assert f'"{message}"' in source, message
