"""The /_sandbox web console in a real headless Chromium against a live server.

Two ways of driving the browser (``tests/support/browser.py``): its CLI renders the page
(``--dump-dom`` after ``--virtual-time-budget``), so the page's own JavaScript runs (the inbox
auto-refresh fetches the JSON control API and rebuilds the table); and the DevTools protocol over
a WebSocket, which clicks buttons and submits forms and then checks the sandbox changed. Skipped
only when no ``chromium`` binary is installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.ledger.models import Leg
from app.sandbox.snapshots import list_snapshots
from app.settings import Settings
from tests.support.browser import browser_page, dump_dom, requires_chromium, until
from tests.support.server import LiveServer, live_server

pytestmark = pytest.mark.browser


def element_text(dom: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)<', dom, re.S)
    assert match is not None, f"#{element_id} missing"
    return html.unescape(match.group(1)).strip()


def refresh_count(dom: str) -> int:
    match = re.search(r'id="inbox-refreshes" data-count="(\d+)"', dom)
    assert match is not None
    return int(match.group(1))


@requires_chromium
async def test_console_shows_fresh_otp_clock_users_events_and_snapshots(live: LiveServer, tmp_path: Path) -> None:
    sandbox = live.sandbox
    user = await sandbox.identity.register(
        "console.user@example.com", "Sandbox-pass-1", first_name="Con", last_name="Sole", phone="+254712345678"
    )
    challenge = await sandbox.identity.start_otp(user.id, "login", "email")
    wallet = await sandbox.ledger.open_account("user", user.id, "USD")
    settlement = await sandbox.ledger.system_account("settlement", "USD")
    leg = Leg(debit=settlement.id, credit=wallet.id, amount=123456)
    await sandbox.ledger.post("TRANSACTION_TYPE_DEPOSIT", [leg], idempotency_key="console-seed")
    await sandbox.simulators.operations.start(
        "console.deposit", "DEP-CONSOLE-1", simulator="partner", user_id=user.id, amount=5014, currency="USD"
    )

    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
        moved = await http.post("/_sandbox/clock/set", json={"time": "2030-05-01T10:00:00Z"})
        assert moved.json() == {"now": "2030-05-01T10:00:00Z", "frozen": True}
        assert (await http.post("/_sandbox/snapshots", json={"name": "console-snap"})).status_code == 201
        emitted = await http.post(
            "/_sandbox/events/emit",
            json={"user": user.email, "platform": "cashier", "type": "console_probe", "data": {"n": 7}},
        )
        assert emitted.status_code == 200

    dom = await dump_dom(f"{live.base_url}/_sandbox/", tmp_path / "profile")

    # The OTP that was just generated, rendered in the inbox (also after the JS refresh rebuilt it).
    codes = re.findall(r'class="code otp-code">(\d{6})<', dom)
    assert challenge.code in codes
    assert refresh_count(dom) >= 1, "the inbox auto-refresh did not run"
    assert 'id="status" role="status" aria-live="polite" class="bad"' not in dom
    # Clock controls show the sandbox clock and its frozen state.
    assert element_text(dom, "clock-now") == "2030-05-01T10:00:00Z"
    assert element_text(dom, "clock-frozen") == "frozen"
    assert 'data-action="POST /_sandbox/clock/resume"' in dom
    # Users, snapshots and the event log.
    assert "console.user@example.com" in dom
    assert 'data-snapshot="console-snap"' in dom
    assert "console_probe" in dom
    assert "1234.56 USD" in dom and wallet.number in dom
    # A manual operation (amount ending in .14) waits with its complete / fail buttons.
    assert 'data-action="POST /_sandbox/operations/DEP-CONSOLE-1/complete"' in dom
    assert 'data-simulator="partner"' in dom
    assert (await sandbox.ledger.check()).ok


@pytest.fixture
def guarded_live(settings: Settings) -> Iterator[LiveServer]:
    with live_server(settings.replace(control_token="console-secret")) as server:
        yield server


@requires_chromium
async def test_console_with_control_token(guarded_live: LiveServer, tmp_path: Path) -> None:
    sandbox = guarded_live.sandbox
    user = await sandbox.identity.register(
        "guarded@example.com", "Sandbox-pass-1", first_name="Gu", last_name="Arded", phone="+254712345679"
    )
    challenge = await sandbox.identity.start_otp(user.id, "login", "sms")

    refused = await dump_dom(f"{guarded_live.base_url}/_sandbox/", tmp_path / "p1")
    assert challenge.code not in refused and "unauthorized" in refused

    dom = await dump_dom(f"{guarded_live.base_url}/_sandbox/?token=console-secret", tmp_path / "p2")
    assert challenge.code in re.findall(r'class="code otp-code">(\d{6})<', dom)
    # The page's own fetches authenticate with the cookie the first load set.
    assert refresh_count(dom) >= 1


# -- driving the console: Chromium over the DevTools protocol (tests/support/browser.py) -----------
@requires_chromium
async def test_console_buttons_and_forms_drive_the_sandbox(live: LiveServer, tmp_path: Path) -> None:
    sandbox = live.sandbox
    user = await sandbox.identity.register(
        "clicker@example.com", "Sandbox-pass-1", first_name="Cli", last_name="Cker", phone="+254712340000"
    )
    ops = sandbox.simulators.operations

    async def settle(op: Any, outcome: Any) -> None:
        return None

    ops.register("console.click", settle)
    await ops.start("console.click", "DEP-CLICK-1", simulator="partner", user_id=user.id, amount=7014, currency="USD")

    async with browser_page(tmp_path / "profile") as page:
        await page.call("Page.navigate", url=f"{live.base_url}/_sandbox/")
        await page.wait_for("document.readyState === 'complete' && !!document.getElementById('inbox-body')")

        # An OTP sent after the page loaded shows up by itself (the inbox auto-refresh).
        challenge = await sandbox.identity.start_otp(user.id, "login", "sms")
        await page.wait_for(f"document.getElementById('inbox-body').textContent.includes('{challenge.code}')")

        # Clock: the Freeze button freezes the sandbox clock; the reloaded page says so.
        await page.evaluate("document.querySelector('[data-action=\"POST /_sandbox/clock/freeze\"]').click()")

        async def frozen() -> bool:
            return sandbox.clock.frozen

        await until(frozen, "clock frozen")
        await page.wait_for("document.getElementById('clock-frozen').textContent === 'frozen'")

        # Snapshots: the form takes a snapshot under the typed name.
        await page.evaluate(
            "(() => { const f = document.querySelector('#snapshots form');"
            " f.querySelector('[name=name]').value = 'clicked-snap'; f.requestSubmit(); })()"
        )

        async def snapshot_taken() -> bool:
            return any(s.name == "clicked-snap" for s in list_snapshots(sandbox))

        await until(snapshot_taken, "snapshot taken")
        await page.wait_for("!!document.querySelector('[data-snapshot=\"clicked-snap\"]')")

        # Operations: Complete settles the pending (manual) operation.
        await page.evaluate(
            "document.querySelector('[data-action=\"POST /_sandbox/operations/DEP-CLICK-1/complete\"]').click()"
        )

        async def completed() -> bool:
            op = await ops.get("DEP-CLICK-1")
            return op is not None and op.status == "completed"

        await until(completed, "operation completed")

        # Events: the emit form publishes an event that appears in the log.
        await page.wait_for("document.readyState === 'complete' && !!document.getElementById('emit-form')")
        await page.evaluate(
            "(() => { const f = document.getElementById('emit-form');"
            " f.querySelector('[name=user]').value = 'clicker@example.com';"
            " f.querySelector('[name=platform]').value = 'tribble';"
            " f.querySelector('[name=type]').value = 'console:clicked';"
            " f.querySelector('[name=data]').value = '{\"n\": 3}'; f.requestSubmit(); })()"
        )

        async def emitted() -> bool:
            events = await sandbox.events.log(type="console:clicked")
            return bool(events) and events[0].data == {"n": 3} and events[0].platform == "tribble"

        await until(emitted, "event emitted")
        await page.wait_for("document.getElementById('events-body').textContent.includes('console:clicked')")

        # Simulators: the behaviour form changes a family's outcome.
        await page.evaluate(
            "(() => { const f = document.querySelector('[data-simulator=\"upi\"] form');"
            " f.querySelector('[name=outcome]').value = 'manual'; f.requestSubmit(); })()"
        )

        async def upi_manual() -> bool:
            return (await sandbox.simulators.settings.effective("upi")).outcome == "manual"

        await until(upi_manual, "upi outcome changed")

        # Platform settings: a Drop flag toggles; Tribble's KYC review delay takes a number.
        await page.wait_for("document.readyState === 'complete' && !!document.querySelector('[data-setting=cards]')")
        await page.evaluate("document.querySelector('[data-platform=drop] [data-setting=cards]').click()")

        async def cards_on() -> bool:
            return bool((await sandbox.extras["drop_flags"].all())["cards"])

        await until(cards_on, "drop cards flag on")
        await page.wait_for(
            "document.readyState === 'complete' && !!document.querySelector('[data-platform=tribble] form')"
        )
        await page.evaluate(
            "(() => { const f = document.querySelector('[data-platform=tribble] form');"
            " f.querySelector('[name=kyc_review_seconds]').value = '5'; f.requestSubmit(); })()"
        )

        async def review_fast() -> bool:
            from app.platforms.tribble.kyc import review_delay

            return await review_delay(sandbox) == 5.0

        await until(review_fast, "tribble kyc review delay set")
        assert await page.evaluate("document.getElementById('status').className") != "bad"
    assert (await sandbox.ledger.check()).ok
