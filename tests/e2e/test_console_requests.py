"""The console's Requests and Faults panels: rules listed server-side, the journal rendered by the page's JS."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tests.support.browser import dump_dom, requires_chromium
from tests.support.server import LiveServer


async def test_console_lists_fault_rules_and_has_the_requests_panel(client: AsyncTestClient) -> None:
    rule = {"id": "console-rule", "path": "/api/v1/*", "method": "POST", "action": "status", "status": 502, "times": 4}
    assert (await client.put("/_sandbox/faults", json={"rules": [rule]})).status_code == 200
    page = (await client.get("/_sandbox/")).text
    assert 'href="#requests"' in page and 'href="#faults"' in page
    assert 'id="requests-body"' in page and "console_requests.js" in page
    row = page.split('data-fault-id="console-rule"', 1)[1].split("</tr>", 1)[0]
    assert "status 502" in row and "POST /api/v1/*" in row and ">4<" in row
    assert 'data-action="DELETE /_sandbox/faults/console-rule"' in row
    assert (await client.delete("/_sandbox/faults/console-rule")).status_code == 204
    assert "No fault rules" in (await client.get("/_sandbox/")).text


async def test_console_script_is_served(client: AsyncTestClient) -> None:
    script = await client.get("/_sandbox/static/console_requests.js")
    assert script.status_code == 200 and "Copy as curl" in script.text and "/_sandbox/requests" in script.text


@pytest.mark.browser
@requires_chromium
async def test_the_requests_panel_renders_the_journal_in_a_browser(live: LiveServer, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        assert (await http.get("/api/v1/console-probe-404")).status_code == 404
        assert (await http.get("/api/health", headers={"X-Sandbox-Fault": "status=418"})).status_code == 418
    dom = await dump_dom(f"{live.base_url}/_sandbox/#requests", tmp_path / "profile")
    body = dom.split('id="requests-body"', 1)[1].split("</tbody>", 1)[0]
    assert "/api/v1/console-probe-404" in body and "no: no route of the contract" in body
    assert ">injected</summary>" in body and ">418<" in body
    assert "Loading" not in body
