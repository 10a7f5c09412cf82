"""Hostile amounts and currencies on every platform's money route: a clear 4xx in its envelope, nothing posted.

Each platform's route first succeeds with a valid amount (so the failures below are about the
amount, not the setup). Then: too many decimals, negative, zero, "NaN", "Infinity", 1e308, huge
integers, booleans, null, strings that are not numbers, lists, unknown currencies and a currency
that differs from the account's. Every answer is a 4xx in the platform's own envelope and the
ledger has no new journal.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.reliability.cashier_ws import cashier, funded_user
from tests.reliability.envelopes import assert_envelope, auth_headers
from tests.reliability.ledger_file import assert_invariants, rows
from tests.reliability.money_routes import ALL_ROUTES
from tests.support.server import LiveServer

BAD_AMOUNTS: list[Any] = [
    1.001,
    "1.001",
    0.001,
    -5,
    "-5.00",
    0,
    "0",
    0.0,
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    1e308,
    "1e308",
    -1e308,
    10**20,
    str(10**30),
    True,
    False,
    None,
    "",
    "abc",
    "1,000.00",
    "0x10",
    [],
    {},
    [1],
    {"value": 1},
]
BAD_CURRENCIES: list[Any] = ["XXX", "ABC", "usdollar", "", 123, "EUR'--", "\u20ac", ["USD"]]


def _journal_count(live: LiveServer) -> int:
    """Money effects on the ledger: journals plus holds."""
    db = live.settings.db
    return int(rows(db, "SELECT (SELECT COUNT(*) FROM journals) + (SELECT COUNT(*) FROM holds) AS n")[0]["n"])


@pytest.mark.parametrize("name", sorted(ALL_ROUTES))
async def test_bad_amounts_and_currencies_are_clear_4xx(name: str, http: httpx.AsyncClient, live: LiveServer) -> None:
    route = await ALL_ROUTES[name](http, live)
    platform = route.platform
    assert (await http.post("/_sandbox/clock/freeze")).status_code == 200  # no settlement posts meanwhile
    ok = await route.call(route.valid_amount)
    assert 200 <= ok.status_code < 300, (platform, ok.status_code, ok.text)
    before = _journal_count(live)
    failures = []
    for amount in BAD_AMOUNTS:
        resp = await route.call(amount)
        if not 400 <= resp.status_code < 500:
            failures.append((amount, resp.status_code, resp.text[:200]))
            continue
        assert_envelope(resp, platform)
    other = "EUR" if route.currency != "EUR" else "USD"
    for currency in (
        [*BAD_CURRENCIES, other] if route.takes_currency else []
    ):  # `other` exists but is not the account's currency
        resp = await route.call(route.valid_amount, currency)
        if not 400 <= resp.status_code < 500:
            failures.append((f"currency={currency!r}", resp.status_code, resp.text[:200]))
            continue
        assert_envelope(resp, platform)
    # Non-JSON numbers (NaN/Infinity literals) and broken JSON.
    for raw in ('{"amount": NaN}', '{"amount": Infinity}', '{"amount": 1e999}', '{"amount": ', "[]", "null"):
        resp = await http.request(
            route.method,
            route.path,
            content=raw,
            headers={**auth_headers(platform, route.token), "content-type": "application/json"},
        )
        if not 400 <= resp.status_code < 500:
            failures.append((raw, resp.status_code, resp.text[:200]))
            continue
        assert_envelope(resp, platform)
    assert not failures, failures
    assert _journal_count(live) == before, "a rejected request posted to the ledger"
    assert_invariants(live.settings.db)


async def test_cashier_bad_amounts_and_currencies_are_errors_on_an_open_socket(live: LiveServer) -> None:
    """One socket, every hostile amount and currency: an ``error`` reply each, the socket stays open."""
    _, token = await funded_user(live, "edge.from@example.com", "USD", 100_000)
    target, _ = await funded_user(live, "edge.to@example.com", "USD", 0)
    before = _journal_count(live)
    failures = []
    async with cashier(live.ws_url, token) as sock:
        cases = [(amount, "USD") for amount in BAD_AMOUNTS] + [(10, currency) for currency in [*BAD_CURRENCIES, "EUR"]]
        for amount, currency in cases:
            reply = await sock.request("transfer", {"to_user_id": str(target), "amount": amount, "currency": currency})
            message = str(reply.get("data", {}).get("message", ""))
            if reply["type"] != "error" or not message or "internal error" in message:
                failures.append((amount, currency, reply))
        assert (await sock.request("get_accounts", {}))["type"] == "success"  # still open and serving
    assert not failures, failures
    assert _journal_count(live) == before
    assert_invariants(live.settings.db)
