"""Money on demand: POST /_sandbox/users/{user}/fund and /debit (funding account, idempotency, limits)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

from app.core.ledger.models import Leg
from app.runtime import Sandbox
from tests.reliability.ledger_file import assert_invariants, rows
from tests.support.platform_reads import (
    cashier_balances,
    drop_me,
    mint_token,
    nivo_wallets,
    tribble_wallets,
    twallet_balances,
)
from tests.support.server import LiveServer

EMAIL = "fund@example.com"


async def _user(sandbox: Sandbox, email: str = EMAIL) -> Any:
    return await sandbox.identity.register(email, "Sandbox-pass-1", first_name="Fund", last_name="Me")


def _box(client: AsyncTestClient) -> Sandbox:
    sandbox: Sandbox = client.app.state.registry.default
    return sandbox


async def _fund(client: Any, body: dict[str, Any], key: str | None = None, path: str = "fund") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await client.post(f"/_sandbox/users/{EMAIL}/{path}", json=body, headers=headers)


async def test_fund_each_platform_and_read_it_back_through_the_platforms_own_routes(live: LiveServer) -> None:
    await _user(live.sandbox)
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        for platform, currency, amount in (
            ("cashier", "KES", 250_000),
            ("tribble", "NGN", 1_500_000),
            ("nivo", "INR", 99_950),
            ("twallet", "EUR", 4_200),
            ("drop", "NOK", 75_000),
        ):
            resp = await _fund(http, {"currency": currency, "amount": amount, "platform": platform})
            assert resp.status_code == 200, resp.text
            body = resp.json()
            assert body["platform"] == platform and body["balance"] == amount and body["replayed"] is False
            assert body["funding_account"].startswith(f"ACC-SYSTEM-{currency}-")
        token = await mint_token(http, EMAIL)
        assert (await tribble_wallets(http, token))["NGN"] == 15_000.0
        nivo = (await nivo_wallets(http, token))["INR"]
        assert nivo["balance"] == "999.50" and nivo["status"] == "active"  # created and activated
        assert (await twallet_balances(http, token))["EUR"] == 42.0
        me = await drop_me(http, token)
        assert me["bankAccounts"][0]["balance"] == 750.0 and me["bankAccounts"][0]["currency"] == "NOK"
        assert (await cashier_balances(live.ws_url, token))["KES"] == 2_500.0
        # A debit on Drop takes it from the same bank account; Drop's next AISP read shows it.
        resp = await _fund(http, {"currency": "NOK", "amount": 25_000, "platform": "drop"}, path="debit")
        assert resp.status_code == 200 and resp.json()["balance"] == 50_000
        assert (await drop_me(http, token))["bankAccounts"][0]["balance"] == 500.0
    journals = rows(
        live.settings.db, "SELECT type, count(*) AS n FROM journals WHERE metadata LIKE '%sandbox%' GROUP BY type"
    )
    assert [(r["type"], r["n"]) for r in journals] == [("TRANSACTION_TYPE_ADJUSTMENT", 6)]
    assert_invariants(live.settings.db)


async def test_without_a_platform_the_plain_ledger_wallet_is_funded(client: AsyncTestClient) -> None:
    user = await _user(_box(client))
    resp = await _fund(client, {"currency": "usd", "amount": 10_000})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["platform"] == "ledger" and body["currency"] == "USD"
    assert body["wallet"]["id"] == body["wallet"]["account_number"] == f"ACC-USER-USD-{body['wallet']['account_id']}"
    view = (await client.get(f"/_sandbox/users/{user.id}")).json()
    assert [(a["currency"], a["balance"]) for a in view["accounts"]] == [("USD", 10_000)]


async def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(client: AsyncTestClient) -> None:
    await _user(_box(client))
    first = await _fund(client, {"currency": "USD", "amount": 5_000, "platform": "cashier"}, key="fund-1")
    again = await _fund(client, {"currency": "USD", "amount": 5_000, "platform": "cashier"}, key="fund-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    other = await _fund(client, {"currency": "USD", "amount": 6_000, "platform": "cashier"}, key="fund-1")
    assert other.status_code == 409 and other.json()["error"] == "idempotency_mismatch"
    assert other.json()["details"]["differs"] == ["amount"]
    # Keys are per direction and user: the same key on a debit is a new command.
    debit = await _fund(client, {"currency": "USD", "amount": 2_000, "platform": "cashier"}, key="fund-1", path="debit")
    debit_again = await _fund(
        client, {"currency": "USD", "amount": 2_000, "platform": "cashier"}, key="fund-1", path="debit"
    )
    assert debit.json()["balance"] == debit_again.json()["balance"] == 3_000 and debit_again.json()["replayed"]
    blank = await _fund(client, {"currency": "USD", "amount": 1}, key="  ")
    assert blank.status_code == 400 and blank.json()["error"] == "invalid_idempotency_key"
    long_key = await _fund(client, {"currency": "USD", "amount": 1}, key="k" * 256)
    assert long_key.status_code == 400
    assert (await _box(client).ledger.check()).ok


async def test_debit_never_goes_below_the_available_balance(client: AsyncTestClient) -> None:
    sandbox = _box(client)
    await _user(sandbox)
    funded = (await _fund(client, {"currency": "USD", "amount": 10_000})).json()
    await sandbox.ledger.place_hold(funded["wallet"]["account_id"], 4_000, reference="test")
    short = await _fund(client, {"currency": "USD", "amount": 6_001}, path="debit")
    assert short.status_code == 409 and short.json()["error"] == "insufficient_funds"
    assert "60.00 USD available" in short.json()["message"]
    assert short.json()["details"] == {"available": 6_000, "required": 6_001, "currency": "USD"}
    exact = await _fund(client, {"currency": "USD", "amount": 6_000}, path="debit")
    assert exact.status_code == 200 and exact.json()["balance"] == 4_000 and exact.json()["available"] == 0
    missing = await _fund(client, {"currency": "EUR", "amount": 1}, path="debit")
    assert missing.status_code == 404 and missing.json()["error"] == "wallet_not_found"
    nivo = await _fund(client, {"currency": "USD", "amount": 1, "platform": "nivo"}, path="debit")
    assert nivo.status_code == 404 and "on nivo" in nivo.json()["message"]  # the ledger wallet is not a Nivo wallet
    assert (await sandbox.ledger.check()).ok


async def test_bad_input_is_a_clear_error_never_a_500(client: AsyncTestClient) -> None:
    await _user(_box(client))
    cases: list[tuple[Any, int, str]] = [
        ({"currency": "USD", "amount": 12.5}, 400, "validation_error"),  # minor units are integers
        ({"currency": "USD", "amount": "1.00"}, 400, "validation_error"),  # never a major-unit decimal
        ({"currency": "USD", "amount": "100"}, 400, "validation_error"),  # a JSON integer, not a string
        ({"currency": "USD", "amount": 100.0}, 400, "validation_error"),
        ({"currency": "USD", "amount": 0}, 400, "validation_error"),
        ({"currency": "USD", "amount": -5}, 400, "validation_error"),
        ({"currency": "USD", "amount": True}, 400, "validation_error"),
        ({"currency": "USD", "amount": 10**18}, 400, "validation_error"),
        ({"currency": "USD"}, 400, "validation_error"),
        ({"currency": "USD", "amount": 1, "extra": 1}, 400, "validation_error"),
        ({"currency": "XYZ", "amount": 1}, 400, "unsupported_currency"),
        ({"currency": "USD", "amount": 1, "platform": "paypal"}, 400, "unknown_platform"),
        ({"currency": "EUR", "amount": 1, "platform": "tribble"}, 400, "wallet_not_allowed"),
        ({"currency": "USD", "amount": 1, "platform": "drop"}, 400, "wallet_not_allowed"),
        ([1, 2], 400, "validation_error"),
    ]
    for body, status, code in cases:
        resp = await _fund(client, body)
        assert (resp.status_code, resp.json().get("error")) == (status, code), (body, resp.text)
    nobody = await client.post("/_sandbox/users/nobody@example.com/fund", json={"currency": "USD", "amount": 1})
    assert nobody.status_code == 404 and nobody.json()["error"] == "user_not_found"
    not_json = await client.post(
        f"/_sandbox/users/{EMAIL}/debit", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert (await client.get(f"/_sandbox/users/{EMAIL}")).json()["accounts"] == []  # nothing was opened


async def test_concurrent_funds_and_debits_keep_the_ledger_exact(live: LiveServer) -> None:
    user = await _user(live.sandbox)
    settlement = await live.sandbox.ledger.system_account("settlement", "USD")
    wallet = await live.sandbox.ledger.open_account("user", user.id, "USD")
    await live.sandbox.ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 1)])
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        # 20 racing retries of one funding (one key): one journal, every answer the same.
        same = await asyncio.gather(
            *(_fund(http, {"currency": "USD", "amount": 10_000, "platform": "cashier"}, key="race") for _ in range(20))
        )
        assert {r.status_code for r in same} == {200}
        assert len({r.json()["journal_id"] for r in same}) == 1
        assert sum(not r.json()["replayed"] for r in same) == 1
        # 10,001 minor units, 30 racing debits of 1,000 and 10 racing fundings of 7: exactly ten debits fit
        # first... the fundings may land in between, so count what was granted instead of guessing an order.
        debits = [_fund(http, {"currency": "USD", "amount": 1_000}, path="debit") for _ in range(30)]
        funds = [_fund(http, {"currency": "USD", "amount": 7}) for _ in range(10)]
        results = await asyncio.gather(*debits, *funds)
    debit_results, fund_results = results[:30], results[30:]
    assert {r.status_code for r in fund_results} == {200}
    granted = [r for r in debit_results if r.status_code == 200]
    refused = [r for r in debit_results if r.status_code != 200]
    assert {r.json()["error"] for r in refused} <= {"insufficient_funds"}
    assert len(granted) == 10  # 10,001 + 70 covers ten debits of 1,000, never eleven
    balance = rows(live.settings.db, "SELECT balance FROM accounts WHERE id = ?", (wallet.id,))[0]["balance"]
    assert balance == 10_001 + 70 - 10 * 1_000
    funding = rows(live.settings.db, "SELECT balance FROM accounts WHERE key = 'system:funding:USD'")[0]["balance"]
    assert funding == -(10_000 + 70 - 10 * 1_000)
    assert_invariants(live.settings.db)
