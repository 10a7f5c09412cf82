"""Swagger UI and Scalar render in Chromium with the network off (only 127.0.0.1 answers).

``tests/js/offline_page.mjs`` (playwright-core) aborts every request to another host and records
it; the pages must show their operations and must not even have tried to leave the machine.
Screenshots land in the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import requires_playwright, run_playwright
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, requires_playwright]


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
async def test_swagger_ui_lists_the_operations_offline(live: LiveServer, tmp_path: Path, path: str) -> None:
    shot = tmp_path / "swagger.png"
    seen = await run_playwright(
        "offline_page.mjs",
        {"url": f"{live.base_url}{path}", "selector": ".opblock-summary-path", "screenshot": str(shot)},
    )
    assert seen["blocked"] == [], "the page asked another host for something"
    assert seen["errors"] == []
    assert seen["count"] >= 50, seen  # every route of the five contracts and /_sandbox
    assert {"/_sandbox/users", "/_sandbox/clock", "/api/health"} <= set(seen["texts"])
    assert any(p.startswith("/schema/assets/swagger-ui-") for p in seen["local"])
    assert shot.stat().st_size > 10_000


async def test_scalar_shows_operations_offline(live: LiveServer, tmp_path: Path) -> None:
    shot = tmp_path / "scalar.png"
    seen = await run_playwright(
        "offline_page.mjs",
        {"url": f"{live.base_url}/schema/scalar", "selector": ".endpoint-path", "screenshot": str(shot)},
    )
    assert seen["blocked"] == [], "the page asked another host for something"
    assert seen["errors"] == []
    assert seen["count"] >= 1, seen
    assert "/api/health" in seen["texts"]
    assert "/schema/openapi.json" in seen["local"]
    assert shot.stat().st_size > 10_000
