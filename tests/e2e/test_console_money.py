"""The console's Fund / debit form in a user's row, driven in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.ledger_file import assert_invariants
from tests.support.browser import browser_page, requires_chromium, until
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, requires_chromium]

EMAIL = "money.console@example.com"


def _submit(user_id: int, amount: int, currency: str, platform: str, button: str) -> str:
    """Open the row's form, fill it and press Fund or Debit (requestSubmit with that button as submitter)."""
    return (
        "(() => {"
        f" const row = document.querySelector('#user-list tr[data-user-id=\"{user_id}\"]');"
        " row.querySelector('details.money').open = true;"
        " const f = row.querySelector('form.money-form');"
        f" f.querySelector('[name=amount]').value = '{amount}';"
        f" f.querySelector('[name=currency]').value = '{currency}';"
        f" f.querySelector('[name=platform]').value = '{platform}';"
        f" const b = [...f.querySelectorAll('button')].find(x => x.textContent === '{button}');"
        " f.requestSubmit(b); })()"
    )


async def test_fund_and_debit_from_the_users_row(live: LiveServer, tmp_path: Path) -> None:
    sandbox = live.sandbox
    user = await sandbox.identity.register(EMAIL, "Sandbox-pass-1", first_name="Money", last_name="Console")

    async def balance_is(expected: int) -> bool:
        found = await sandbox.ledger.accounts_of("user", user.id)
        return [a.balance for a in found if a.currency == "KES"] == [expected]

    async with browser_page(tmp_path / "profile") as page:
        await page.call("Page.navigate", url=f"{live.base_url}/_sandbox/#users")
        await page.wait_for("document.readyState === 'complete' && !!document.getElementById('user-list')")
        await page.evaluate(_submit(user.id, 250_000, "KES", "cashier", "Fund"))
        await until(lambda: balance_is(250_000), "wallet funded")
        # The reloaded page shows the balance in the row; then a debit takes part of it back.
        await page.wait_for(
            f"(document.querySelector('#user-list tr[data-user-id=\"{user.id}\"] .balance') || {{}}).textContent"
            " === '2500.00 KES'"
        )
        await page.evaluate(_submit(user.id, 50_000, "KES", "", "Debit"))
        await until(lambda: balance_is(200_000), "wallet debited")
        # Too much: the status line says why and nothing moves.
        await page.wait_for(
            f"(document.querySelector('#user-list tr[data-user-id=\"{user.id}\"] .balance') || {{}}).textContent"
            " === '2000.00 KES'"
        )
        await page.evaluate(_submit(user.id, 999_999_999, "KES", "", "Debit"))
        await page.wait_for(
            "document.getElementById('status').textContent.includes('insufficient') ||"
            " document.getElementById('status').textContent.includes('available')"
        )
        assert "409" in await page.evaluate("document.getElementById('status').textContent")
    assert await balance_is(200_000)
    assert_invariants(live.settings.db)
