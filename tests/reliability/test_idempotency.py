"""A retried money request returns the first result and posts nothing twice, on every money route.

For each platform's money route (Drop remittance with ``X-Request-ID``; Nivo deposit, Tribble
wallet funding and T-Wallet send with ``Idempotency-Key``; Cashier ``transfer`` with
``data.idempotency_key``): a sequential retry and five concurrent copies of one request each
answer the first status and body and leave exactly one journal; the same key with another
amount is a 4xx in the platform's envelope. The clock is frozen so no settlement posts meanwhile.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.reliability.cashier_ws import cashier, funded_user
from tests.reliability.envelopes import assert_envelope
from tests.reliability.ledger_file import assert_invariants, rows
from tests.reliability.money_routes import ALL_ROUTES
from tests.support.server import LiveServer


def _journals(live: LiveServer) -> int:
    """Money effects: journals, holds (T-Wallet holds a send until it settles) and simulator operations
    (a card funding or a remittance is a pending operation that posts when the simulator settles it)."""
    db = live.settings.db
    sql = (
        "SELECT (SELECT COUNT(*) FROM journals) + (SELECT COUNT(*) FROM holds) + (SELECT COUNT(*) FROM sim_operations)"
    )
    return int(rows(db, f"{sql} AS n")[0]["n"])


def _stable(resp: httpx.Response) -> tuple[int, object]:
    return resp.status_code, resp.json()


@pytest.mark.parametrize("name", sorted(ALL_ROUTES))
async def test_retry_returns_first_result_and_posts_once(name: str, http: httpx.AsyncClient, live: LiveServer) -> None:
    route = await ALL_ROUTES[name](http, live)
    platform = route.platform
    assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
    before = _journals(live)

    key = f"retry-{uuid.uuid4().hex}"
    first = await route.call(route.valid_amount, headers={route.key_header: key})
    assert 200 <= first.status_code < 300, first.text
    effects = _journals(live) - before  # what one request leaves behind (journal, hold, operation)
    assert effects >= 1
    again = await route.call(route.valid_amount, headers={route.key_header: key})
    assert _stable(again) == _stable(first)
    assert _journals(live) == before + effects

    racing_key = f"race-{uuid.uuid4().hex}"
    racers = await asyncio.gather(
        *(route.call(route.valid_amount, headers={route.key_header: racing_key}) for _ in range(5))
    )
    assert len({str(_stable(r)) for r in racers}) == 1, [r.text for r in racers]
    assert 200 <= racers[0].status_code < 300
    assert _journals(live) == before + 2 * effects

    different = await route.call(
        route.valid_amount * 2 if not isinstance(route.valid_amount, str) else "7.00", headers={route.key_header: key}
    )
    assert 400 <= different.status_code < 500, different.text
    assert_envelope(different, platform)
    assert _journals(live) == before + 2 * effects
    # Without a key every request is a new payment.
    assert (await route.call(route.valid_amount)).status_code == first.status_code
    assert _journals(live) == before + 3 * effects
    assert_invariants(live.settings.db)
    assert (await live.sandbox.ledger.check()).ok


async def test_cashier_transfer_retry_posts_once(live: LiveServer) -> None:
    _, token = await funded_user(live, "idem.from@example.com", "USD", 100_000)
    target, _ = await funded_user(live, "idem.to@example.com", "USD", 0)
    before = _journals(live)
    body = {"to_user_id": str(target), "amount": 25, "currency": "USD", "idempotency_key": "cashier-retry-1"}
    async with cashier(live.ws_url, token) as one, cashier(live.ws_url, token) as two:
        first = await one.request("transfer", body)
        assert first["type"] == "success", first
        replies = await asyncio.gather(one.request("transfer", body), two.request("transfer", body))
        for reply in replies:
            assert reply["data"]["data"] == first["data"]["data"]
        mismatch = await two.request("transfer", {**body, "amount": 26})
        assert mismatch["type"] == "error", mismatch
        assert mismatch["data"]["message"] == "idempotency key already used with different parameters"
    assert _journals(live) == before + 1
    assert_invariants(live.settings.db)


async def test_cashier_conversion_retry_posts_once_at_the_first_rate(live: LiveServer) -> None:
    _, token = await funded_user(live, "idem.fx@example.com", "USD", 100_000)
    before = _journals(live)
    body = {"from_currency": "USD", "to_currency": "EUR", "amount": 40, "idempotency_key": "cashier-fx-1"}
    async with cashier(live.ws_url, token) as one, cashier(live.ws_url, token) as two:
        first = await one.request("convert_and_transfer", body)
        assert first["type"] == "success", first
        replies = await asyncio.gather(*(s.request("convert_and_transfer", body) for s in (one, two, one, two)))
        for reply in replies:
            assert reply["data"]["data"] == first["data"]["data"]
        mismatch = await two.request("convert_and_transfer", {**body, "amount": 41})
        assert mismatch["type"] == "error", mismatch
    assert _journals(live) == before + 1
    assert_invariants(live.settings.db)
