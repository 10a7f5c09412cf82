"""Where the contracts' inventory.json is: ../shared/contracts beside the repository (as in CI),
else the copy committed in tests/support (kept equal to the shared one by a test)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_INVENTORY = REPO_ROOT.parent / "shared" / "contracts" / "inventory.json"
LOCAL_INVENTORY = Path(__file__).with_name("inventory.json")


def inventory_path() -> Path:
    return SHARED_INVENTORY if SHARED_INVENTORY.is_file() else LOCAL_INVENTORY


def inventory() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(inventory_path().read_text(encoding="utf-8"))
    return data


def rest_routes(platform: str) -> list[dict[str, str]]:
    return [r for r in inventory()["rest"] if r["platform"] == platform]
