"""The console at 1400 (and 1920) px on the seeded example database: it fits, every user can be found.

A live server on a copy of ``sandbox.db.example`` (156 users, the demo accounts alice ... admin
at ids 1-6) with 40 events of long payloads, driven over the DevTools protocol
(``tests/support/browser.py``) at a 1400 x 900 viewport. Layout is asserted from DOM
measurements; screenshots of each panel are saved in the test's tmp dir for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import DEFAULT_EXAMPLE_DB, Settings
from seeds.demo import DEMO_USERS
from tests.conftest import TEST_NOW
from tests.support.browser import Page, browser_page, requires_chromium
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, requires_chromium]

WIDTH, HEIGHT = 1400, 900
PANELS = ("users", "inbox", "clock", "operations", "simulators", "webhooks", "events", "snapshots", "settings")
DEMO_EMAILS = [d.email for d in DEMO_USERS]

# One measurement of the page: the document, the visible panel and the users table's Actions column.
MEASURE = """(() => {
  const doc = document.documentElement;
  const panel = document.querySelector('main > section.panel.active');
  const visible = [...document.querySelectorAll('main > section.panel')].filter(p => p.offsetParent !== null);
  const actions = [...document.querySelectorAll('#users th.actions, #users td.actions')]
    .map(el => el.getBoundingClientRect().right);
  const box = panel ? panel.getBoundingClientRect() : null;
  return {
    scrollWidth: doc.scrollWidth, scrollHeight: doc.scrollHeight, innerWidth: window.innerWidth,
    panel: panel ? panel.id : null, visible: visible.map(p => p.id),
    panelScrollWidth: panel ? panel.scrollWidth : 0, panelClientWidth: panel ? panel.clientWidth : 0,
    panelTop: box ? box.top : null, panelRight: box ? box.right : null,
    actionsRight: actions.length ? Math.max(...actions) : null, actionCells: actions.length,
  };
})()"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A copy of the example database, the sandbox clock anchored at the suite's fixed instant."""
    db = tmp_path / "sandbox.db"
    shutil.copyfile(DEFAULT_EXAMPLE_DB, db)
    return Settings.load(
        env={},
        db=db,
        example_db=DEFAULT_EXAMPLE_DB,
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
        clock_start=TEST_NOW,
    )


@pytest.fixture
async def seeded(live: LiveServer) -> LiveServer:
    """The example database, the clock frozen, and 40 events whose payloads are long."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
        payload = {"note": "x" * 600, "items": [{"sku": f"SKU-{n}", "qty": n} for n in range(12)]}
        for _ in range(40):
            emitted = await http.post(
                "/_sandbox/events/emit",
                json={"user": "alice@paysandbox.test", "platform": "tribble", "type": "order.updated", "data": payload},
            )
            assert emitted.status_code == 200, emitted.text
    return live


async def open_console(page: Page, url: str, ready: str = "true") -> None:
    await page.call("Page.navigate", url=url)
    await page.wait_for(
        "document.readyState === 'complete' && document.body.classList.contains('tabbed')"
        f" && location.href === {url!r} && ({ready})"
    )


async def show_panel(page: Page, name: str) -> dict[str, Any]:
    await page.evaluate(f"document.querySelector('nav.panels a[data-panel={name}]').click()")
    await page.wait_for(f"document.getElementById('{name}').classList.contains('active')")
    measured: dict[str, Any] = await page.evaluate(MEASURE)
    return measured


async def user_ids(page: Page, table: str) -> list[int]:
    found: list[int] = await page.evaluate(
        f"[...document.querySelectorAll('#{table} tr[data-user-id]')].map(tr => Number(tr.dataset.userId))"
    )
    return found


@pytest.mark.parametrize("width", [WIDTH, 1920])
async def test_every_panel_fits_the_window(seeded: LiveServer, tmp_path: Path, width: int) -> None:
    async with browser_page(tmp_path / "profile") as page:
        await page.set_viewport(width, HEIGHT)
        await open_console(page, f"{seeded.base_url}/_sandbox/")
        for name in PANELS:
            m = await show_panel(page, name)
            await page.screenshot(tmp_path / "screens" / f"{name}-{width}.png")
            assert m["visible"] == [name], m  # one panel at a time
            assert m["innerWidth"] == width
            assert m["scrollWidth"] <= width, (name, m)  # no horizontal scrolling of the page
            assert m["panelScrollWidth"] <= m["panelClientWidth"], (name, m)  # nothing clipped in the panel
            assert m["panelRight"] <= width
            assert m["panelTop"] < 120, (name, m)  # every panel starts at the top, Settings too
            assert m["scrollHeight"] <= 4 * HEIGHT, (name, m)
        await page.screenshot(tmp_path / "screens" / f"settings-full-{width}.png", full_page=True)

        users = await show_panel(page, "users")
        assert users["actionCells"] > 20
        assert users["actionsRight"] <= min(users["panelRight"], width), users  # the Actions column is on screen

        # Event payloads are collapsed to one line each and open on demand.
        events = await show_panel(page, "events")
        assert await page.evaluate("document.querySelectorAll('#events-body details').length") >= 40
        assert await page.evaluate("[...document.querySelectorAll('#events-body details')].every(d => !d.open)")
        rows = await page.evaluate(
            "[...document.querySelectorAll('#events-body tr')].map(tr => tr.getBoundingClientRect().height)"
        )
        assert max(rows) < 60, rows
        assert events["scrollHeight"] <= 3 * HEIGHT
        await page.evaluate("document.querySelector('#events-body details').open = true")
        assert "SKU-11" in await page.evaluate("document.querySelector('#events-body details pre').textContent")
        await page.screenshot(tmp_path / "screens" / "events-opened.png")


async def test_demo_accounts_are_pinned_on_top(seeded: LiveServer, tmp_path: Path) -> None:
    async with browser_page(tmp_path / "profile") as page:
        await page.set_viewport(WIDTH, HEIGHT)
        await open_console(page, f"{seeded.base_url}/_sandbox/")
        assert await user_ids(page, "demo-users") == [1, 2, 3, 4, 5, 6]
        text = await page.evaluate("document.getElementById('demo-users').textContent")
        assert all(email in text for email in DEMO_EMAILS)
        alice_top = await page.evaluate(
            "document.querySelector('#demo-users tr[data-user-id=\"1\"]').getBoundingClientRect().top"
        )
        assert alice_top < HEIGHT  # on the first screen, without scrolling
        assert 1 not in await user_ids(page, "user-list")  # the list below starts with the newest users
        await page.screenshot(tmp_path / "screens" / "users-top.png")


async def test_search_finds_alice_by_name_phone_and_id(seeded: LiveServer, tmp_path: Path) -> None:
    base = f"{seeded.base_url}/_sandbox/"
    async with browser_page(tmp_path / "profile") as page:
        await page.set_viewport(WIDTH, HEIGHT)
        await open_console(page, base)
        await page.evaluate(
            "(() => { const f = document.getElementById('user-search');"
            " f.querySelector('[name=q]').value = 'alice'; f.requestSubmit(); })()"
        )
        await page.wait_for(
            "location.search === '?q=alice' && document.readyState === 'complete'"
            " && !!document.getElementById('user-list')"
        )
        found = await user_ids(page, "user-list")
        assert 1 in found
        listed = await page.evaluate("document.getElementById('user-list').textContent")
        assert "alice@paysandbox.test" in listed
        assert await page.evaluate("document.getElementById('demo-users') === null")  # only the matches
        assert await page.evaluate("document.querySelector('#user-search [name=q]').value") == "alice"
        assert await page.evaluate("document.getElementById('users').classList.contains('active')")
        await page.screenshot(tmp_path / "screens" / "search-alice.png")

        await open_console(page, f"{base}?q=%2B919800000002#users", "!!document.getElementById('user-list')")
        assert await user_ids(page, "user-list") == [2]  # bob, by phone
        await open_console(page, f"{base}?q=4#users", "!!document.getElementById('exact-user')")
        assert await user_ids(page, "exact-user") == [4]  # dave, by id, above the substring matches


async def test_paging_reaches_every_user(seeded: LiveServer, tmp_path: Path) -> None:
    async with browser_page(tmp_path / "profile") as page:
        await page.set_viewport(WIDTH, HEIGHT)
        await open_console(page, f"{seeded.base_url}/_sandbox/")
        first = await user_ids(page, "user-list")
        assert first == sorted(first, reverse=True) and len(first) == 20
        assert await page.evaluate("document.getElementById('users-newer') === null")

        await page.evaluate("document.getElementById('users-older').click()")
        await page.wait_for(
            f"location.search === '?before={first[-1]}' && document.readyState === 'complete'"
            " && document.body.classList.contains('tabbed')"
        )
        second = await user_ids(page, "user-list")
        assert len(second) == 20 and max(second) < min(first)  # the next page: older users, none repeated
        assert await page.evaluate("document.getElementById('demo-users') === null")
        await page.screenshot(tmp_path / "screens" / "users-page-2.png")

        await page.evaluate("document.getElementById('users-newer').click()")
        await page.wait_for(f"location.search === '?after={second[0]}' && document.readyState === 'complete'")
        assert await user_ids(page, "user-list") == first  # and back

        # Older, older, ...: the last page holds the demo accounts (ids 1-6); every user was listed once.
        seen = list(first)
        await page.evaluate("document.getElementById('users-older').click()")
        for _ in range(20):
            await page.wait_for(f"location.search === '?before={seen[-1]}' && document.readyState === 'complete'")
            page_ids = await user_ids(page, "user-list")
            assert page_ids and max(page_ids) < seen[-1]
            seen.extend(page_ids)
            if not await page.evaluate("!!document.getElementById('users-older')"):
                break
            await page.evaluate("document.getElementById('users-older').click()")
        assert seen[-6:] == [6, 5, 4, 3, 2, 1]
        assert len(seen) == len(set(seen)) == 156
