"""Every T-Wallet route of shared/contracts/inventory.json is served (present in the OpenAPI schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.support.contracts import inventory_path

INVENTORY = inventory_path()


def _twallet_routes() -> list[tuple[str, str]]:
    data = json.loads(Path(INVENTORY).read_text(encoding="utf-8"))
    return [(r["method"], r["path"]) for r in data["rest"] if r["platform"] == "twallet"]


@pytest.mark.skipif(not INVENTORY.exists(), reason="shared/contracts is not beside the repository")
async def test_every_twallet_route_is_in_openapi(client: AsyncTestClient) -> None:
    routes = _twallet_routes()
    assert len(routes) == 8
    schema = (await client.get("/schema/openapi.json")).json()
    paths = {path.rstrip("/") or "/": {m.upper() for m in ops} for path, ops in schema["paths"].items()}
    missing = [(m, p) for m, p in routes if m not in paths.get(p.rstrip("/") or "/", set())]
    assert missing == []
