"""The three documented scenarios of examples/fixtures/, each applied on an empty database and on a
copy of the example database, then read back through the platforms' own routes.

Each is applied twice: the second apply builds nothing and changes no row of the ledger, the
operations or the platforms' tables. The ledger invariants hold after each (`paysandbox check`).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from app.settings import DEFAULT_EXAMPLE_DB, REPO_ROOT, Settings
from tests.conftest import TEST_NOW
from tests.reliability.ledger_file import assert_invariants
from tests.support.platform_reads import (
    bearer,
    cashier_requests,
    drop_me,
    mint_token,
    nivo_wallets,
    tribble_wallets,
    twallet_balances,
)
from tests.support.server import LiveServer

EXAMPLES = REPO_ROOT / "examples" / "fixtures"
# Tables whose rows a second apply must leave exactly as they were.
WATCHED = (
    "users", "accounts", "journals", "entries", "holds", "sim_operations", "idempotency_keys", "events",
    "tribble_merchants", "tribble_payment_methods", "tribble_transactions", "tribble_subscriptions",
    "tribble_disputes", "cashier_deposits", "cashier_withdrawals", "twallet_contacts", "nivo_wallets",
    "nivo_beneficiaries", "nivo_upi_deposits", "ob_bank_accounts", "inbox",
)  # fmt: skip


@pytest.fixture(params=["empty", "example"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    db = tmp_path / "sandbox.db"
    if request.param == "example":
        shutil.copyfile(DEFAULT_EXAMPLE_DB, db)
    return Settings.load(
        env={},
        db=db,
        example_db=tmp_path / "no-example.db",
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
        clock_start=TEST_NOW,
    )


def snapshot_counts(db: Path) -> dict[str, tuple[int, int]]:
    """(rows, max rowid) of every watched table that exists."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            t: tuple(conn.execute(f"SELECT count(*), COALESCE(max(rowid), 0) FROM {t}").fetchone())  # type: ignore[misc]
            for t in WATCHED
            if t in names
        }
    finally:
        conn.close()


async def apply_twice(live: LiveServer, http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    path = EXAMPLES / name
    media = "application/yaml" if path.suffix in (".yaml", ".yml") else "application/json"
    first = await http.post("/_sandbox/fixtures", content=path.read_bytes(), headers={"Content-Type": media})
    assert first.status_code == 200, first.text
    answer: dict[str, Any] = first.json()
    assert answer["applied"] == len(answer["items"]) + 1 and answer["unchanged"] == 0  # + the clock
    assert all(item["created"] for item in answer["items"].values())
    assert_invariants(live.settings.db)
    before = snapshot_counts(live.settings.db)
    again = await http.post("/_sandbox/fixtures", content=path.read_bytes(), headers={"Content-Type": media})
    assert again.status_code == 200, again.text
    assert again.json()["applied"] == 0 and not any(i["created"] for i in again.json()["items"].values())
    assert {k: v["ids"] for k, v in again.json()["items"].items()} == {k: v["ids"] for k, v in answer["items"].items()}
    assert snapshot_counts(live.settings.db) == before  # nothing changed the second time
    assert answer["clock"] == {"now": "2026-03-10T09:00:00Z", "frozen": True}
    return answer


async def tribble_login(http: httpx.AsyncClient, email: str, password: str) -> str:
    resp = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    token: str = resp.json()["accessToken"]
    return token


async def test_marketplace(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        answer = await apply_twice(live, http, "marketplace.yaml")
        ids = {name: item["ids"] for name, item in answer["items"].items()}
        ada = await tribble_login(http, "ada@customers.example", "Ada-pass-1")  # the declared password works
        owner = await tribble_login(http, "owner@shop.example", "Shop-pass-1")
        # 50,000.00 NGN declared, 12,500.00 paid from the wallet.
        assert (await tribble_wallets(http, ada))["NGN"] == 37_500.0
        merchant = await http.get(f"/api/v1/merchants/{ids['shop']['tribble']['merchantId']}", headers=bearer(owner))
        assert merchant.status_code == 200 and merchant.json()["kycStatus"] == "APPROVED"
        statuses = {}
        for name in ("ada_paid_from_wallet", "ada_card_paid", "ada_needs_3ds"):
            txn = await http.get(f"/api/v1/transactions/{ids[name]['tribble']['transactionId']}", headers=bearer(ada))
            assert txn.status_code == 200, txn.text
            statuses[name] = txn.json()["status"]
        assert statuses == {
            "ada_paid_from_wallet": "SUCCESS",
            "ada_card_paid": "SUCCESS",
            "ada_needs_3ds": "PROCESSING",
        }
        methods = await http.get("/api/v1/payment-methods", headers=bearer(ada))
        assert sorted(m["last4Digits"] for m in methods.json()["paymentMethods"]) == ["3155", "4242"]
        tunde = await tribble_login(http, "tunde@customers.example", "Tunde-pass-1")
        sub = await http.get(
            f"/api/v1/subscriptions/{ids['tunde_past_due']['tribble']['subscriptionId']}", headers=bearer(tunde)
        )
        assert sub.status_code == 200 and sub.json()["status"] == "PAST_DUE"
        dispute = await http.get(f"/api/v1/disputes/{ids['ada_dispute']['tribble']['disputeId']}", headers=bearer(ada))
        assert dispute.status_code == 200 and dispute.json()["status"] == "OPEN"
        # The 3DS payment waits in the operations simulator until the control API settles it.
        op = await http.get(f"/_sandbox/operations/{ids['ada_needs_3ds']['operation']}")
        assert op.json()["status"] == "pending" and op.json()["planned_outcome"] == "manual"
    assert_invariants(live.settings.db)


async def test_cashier_money_in_flight(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        answer = await apply_twice(live, http, "cashier-money-in-flight.json")
        ids = {name: item["ids"] for name, item in answer["items"].items()}
        token = await mint_token(http, "wanjiru@flight.example")
        deposits = {n: ids[n]["cashier"]["request_ref"] for n in ("mpesa_topup", "paypal_done", "bank_bounced")}
        withdrawal = ids["cash_out"]["cashier"]["request_ref"]
        totp = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").at(int(live.sandbox.clock.time()))
        replies = await cashier_requests(
            live.ws_url,
            token,
            *(("get_deposit_status", {"request_ref": ref}) for ref in deposits.values()),
            ("get_history", {"type": "withdrawals"}),
            ("get_accounts", {}),
            ("verify_totp", {"code": totp, "purpose": "transfer"}),  # 2FA with the declared secret
        )
        statuses = [r["data"]["data"]["status"] for r in replies[:3]]
        assert statuses == ["sent_to_partner", "completed", "failed"]
        history = replies[3]["data"]["data"]["withdrawals"]
        assert [(w["request_ref"], w["status"]) for w in history] == [(withdrawal, "processing")]
        numbers = {a["currency"]: a["account_number"] for a in replies[4]["data"]["data"]["accounts"]}
        assert replies[5]["type"] == "success", replies[5]
        (kes, usd) = await cashier_requests(
            live.ws_url,
            token,
            ("get_account_balance", {"account_number": numbers["KES"]}),
            ("get_account_balance", {"account_number": numbers["USD"]}),
        )
        # 50,000.00 KES declared; the 10,000.00 KES withdrawal (plus its fee) is held while it processes.
        assert kes["data"]["data"]["balance"] == 50_000.0
        assert kes["data"]["data"]["available_balance"] < 40_000.0 and kes["data"]["data"]["pending_debit"] > 10_000.0
        # 1,200.00 USD declared, plus the completed 100.00 USD PayPal deposit less its fee.
        assert 1_200.0 < usd["data"]["data"]["balance"] <= 1_300.0
        otieno = await mint_token(http, "otieno@flight.example")
        assert (await twallet_balances(http, otieno))["USD"] == 25.0
        contacts = await http.get("/profile/contact", headers={"X-Authorization": token})
        assert contacts.status_code == 200, contacts.text
        saved = contacts.json()["data"]
        assert list(saved) == [ids["otieno"]["twallet"]["profile_id"]]
        assert next(iter(saved.values()))["first_name"] == "Oti"
    assert_invariants(live.settings.db)


async def test_india_and_norway(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=60) as http:
        answer = await apply_twice(live, http, "india-and-norway.yaml")
        ids = {name: item["ids"] for name, item in answer["items"].items()}
        priya = await mint_token(http, "priya@nivo.example")
        arjun = await mint_token(http, "arjun@nivo.example")
        wallet = (await nivo_wallets(http, priya))["INR"]
        assert wallet["balance"] == "25000.00" and wallet["status"] == "active"
        assert (await nivo_wallets(http, arjun))["INR"]["balance"] == "600.00"  # 100.00 declared + the paid 500.00 UPI
        beneficiaries = await http.get("/api/v1/wallet/beneficiaries", headers=bearer(priya))
        assert [b["nickname"] for b in beneficiaries.json()["data"]] == ["Arjun (flatmate)"]
        waiting = ids["priya_collect_waiting"]["nivo"]
        upi = await http.get(
            f"/api/v1/wallet/wallets/{waiting['wallet_id']}/deposit/upi/{waiting['deposit_id']}", headers=bearer(priya)
        )
        assert upi.status_code == 200 and upi.json()["data"]["status"] == "pending"
        ingrid = await drop_me(http, await mint_token(http, "ingrid@drop.example"))
        accounts = {a["bankName"]: (a["balance"], a["isPrimary"]) for a in ingrid["bankAccounts"]}
        assert accounts == {"DNB": (42_500.0, True), "Nordea": (120_000.0, False)}
        lars = await drop_me(http, await mint_token(http, "lars@drop.example"))
        assert [(a["bankName"], a["balance"]) for a in lars["bankAccounts"]] == [("Sbanken", 0.0)]
        assert ids["ingrid_dnb"]["drop"]["id"] == next(
            a["id"] for a in ingrid["bankAccounts"] if a["bankName"] == "DNB"
        )
    assert_invariants(live.settings.db)
