"""The committed copy of the contracts' inventory matches ../shared when it is there."""

from __future__ import annotations

import json

import pytest

from tests.support.contracts import LOCAL_INVENTORY, SHARED_INVENTORY


def test_local_inventory_copy_matches_shared() -> None:
    if not SHARED_INVENTORY.is_file():
        pytest.skip("../shared/contracts is not beside the repository; the committed copy is used")
    assert json.loads(LOCAL_INVENTORY.read_text()) == json.loads(SHARED_INVENTORY.read_text())
