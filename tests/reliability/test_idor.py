"""IDOR: a second user can neither read nor act on the first user's resources, on any platform.

User A creates one of everything that has an id (Drop recipients, transactions, notifications;
Nivo wallets and transactions; Tribble wallets, payment methods and transactions; T-Wallet
accounts and contacts; Cashier accounts, receipts and deposit refs). User B then asks for or
acts on each id with a valid token of its own: every answer is a 4xx in the platform's envelope
that reveals none of A's data, and A's balances are unchanged.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx

from tests.reliability.cashier_ws import cashier, funded_user
from tests.reliability.drop_api import DropUser, qr_pay, register, register_merchant
from tests.reliability.envelopes import assert_envelope, auth_headers
from tests.reliability.ledger_file import assert_invariants, rows
from tests.support.server import LiveServer

SECRET_NAME = "Zyxwvutsrq"  # A's last name: must never show up in B's answers


class Probe:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.failures: list[str] = []

    async def denied(self, platform: str, token: str, method: str, path: str, body: Any = None) -> None:
        resp = await self.http.request(method, path, json=body, headers=auth_headers(platform, token))
        where = f"{platform} {method} {path}"
        if resp.status_code not in (400, 403, 404, 422):
            self.failures.append(f"{where}: {resp.status_code} {resp.text[:200]}")
            return
        try:
            assert_envelope(resp, platform)
        except AssertionError as exc:
            self.failures.append(f"{where}: envelope {exc}")
        if SECRET_NAME in resp.text:
            self.failures.append(f"{where}: leaks A's data {resp.text[:200]}")


async def _owner_balances(live: LiveServer, user_ids: list[int]) -> list[tuple[int, int, int]]:
    marks = ",".join("?" * len(user_ids))
    found = rows(
        live.settings.db,
        f"SELECT id, balance, pending_debit FROM accounts WHERE owner_type IN ('user', 'bank') AND (owner_id IN "
        f"({marks}) OR id IN (SELECT ledger_account_id FROM ob_bank_accounts WHERE user_id IN ({marks}))) ORDER BY id",
        (*user_ids, *user_ids),
    )
    return [(r["id"], r["balance"], r["pending_debit"]) for r in found]


async def test_second_user_cannot_touch_first_users_resources(http: httpx.AsyncClient, live: LiveServer) -> None:
    probe = Probe(http)
    a = await register(http, "idora", lastName=SECRET_NAME)
    b = await register(http, "idorb")
    a_id = rows(live.settings.db, "SELECT id FROM users WHERE email = ?", (a.email,))[0]["id"]
    b_id = rows(live.settings.db, "SELECT id FROM users WHERE email = ?", (b.email,))[0]["id"]
    await _drop_resources(http, live, probe, a, b)
    await _nivo_resources(http, probe, a, b)
    await _tribble_resources(http, probe, a, b)
    await _twallet_resources(http, live, probe, a, b, a_id)
    await _cashier_resources(live, probe, a, b, a_id, b_id)
    assert not probe.failures, "\n".join(probe.failures)
    assert_invariants(live.settings.db)


async def _drop_resources(http: httpx.AsyncClient, live: LiveServer, probe: Probe, a: DropUser, b: DropUser) -> None:
    assert (await http.post(f"/_sandbox/users/{a.email}/kyc", json={"status": "approved"})).status_code == 200
    recipient = await http.post(
        "/api/recipients",
        headers=a.auth,
        json={
            "name": f"Mama {SECRET_NAME}",
            "country": "RS",
            "currency": "RSD",
            "bankAccount": "RS35105008123123123173",
        },
    )
    assert recipient.status_code == 201, recipient.text
    rcp = recipient.json()["data"]["id"]
    remittance = await http.post(
        "/api/transactions/remittance", headers=a.auth, json={"recipientId": rcp, "amount": 100}
    )
    assert remittance.status_code == 201, remittance.text
    tx = remittance.json()["data"]["id"]
    owner = await register(http, "idormerchant")
    merchant = await register_merchant(http, owner)
    paid = await qr_pay(http, a, merchant, 10)
    assert paid.status_code == 201, paid.text
    notes = (await http.get("/api/notifications", headers=owner.auth)).json()["data"]
    note_ids = [n["id"] for n in notes]
    t = b.token
    for path in (
        f"/api/transactions/{tx}",
        f"/api/transactions/{tx}/receipt",
        f"/api/transactions/{paid.json()['data']['id']}",
    ):
        await probe.denied("drop", t, "GET", path)
    await probe.denied("drop", t, "DELETE", f"/api/recipients/{rcp}")
    await probe.denied("drop", t, "POST", "/api/transactions/remittance", {"recipientId": rcp, "amount": 100})
    await probe.denied(
        "drop", t, "POST", "/api/transactions/disclosure", {"type": "remittance", "amount": 100, "recipientId": rcp}
    )
    # Marking someone else's notifications read changes nothing.
    if note_ids:
        resp = await http.patch("/api/notifications", headers=b.auth, json={"ids": note_ids})
        assert resp.status_code in (200, 400, 404), resp.text
        if resp.status_code == 200:
            assert resp.json()["data"]["updated"] == 0
        still = (await http.get("/api/notifications", headers=owner.auth)).json()["data"]
        assert all(not n.get("isRead", n.get("read", False)) for n in still)
    # Cards (feature-flagged: switched on in the database, as documented).
    conn = sqlite3.connect(live.settings.db, timeout=30)
    conn.execute("UPDATE drop_feature_flags SET enabled = 1")
    conn.commit()
    conn.close()
    card = await http.post("/api/cards", headers=a.auth, json={"type": "virtual"})
    assert card.status_code == 201, card.text
    card_id = card.json()["data"]["id"]
    await probe.denied("drop", t, "GET", f"/api/cards/{card_id}")
    await probe.denied("drop", t, "PATCH", f"/api/cards/{card_id}", {"status": "frozen"})
    await probe.denied("drop", t, "POST", f"/api/cards/{card_id}/pin", {"pin": "1234"})
    await probe.denied("drop", t, "GET", f"/api/cards/{card_id}/limits")
    await probe.denied("drop", t, "PUT", f"/api/cards/{card_id}/limits", {"limitType": "daily", "amount": 1})
    await probe.denied("drop", t, "POST", f"/api/cards/{card_id}/physical", {"address": "Storgata 1, 0155 Oslo"})
    await probe.denied("drop", t, "DELETE", f"/api/cards/{card_id}")
    mine = await http.get(f"/api/cards/{card_id}", headers=a.auth)
    assert mine.status_code == 200 and mine.json()["data"]["status"] == "active", mine.text
    # A's recipient is intact.
    listed = (await http.get("/api/recipients", headers=a.auth)).json()["data"]
    assert [r["id"] for r in listed] == [rcp]


async def _nivo_resources(http: httpx.AsyncClient, probe: Probe, a: DropUser, b: DropUser) -> None:
    ha, hb = auth_headers("nivo", a.token), auth_headers("nivo", b.token)
    wallet = (await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=ha)).json()["data"]["id"]
    assert (await http.post(f"/api/v1/wallet/wallets/{wallet}/activate", headers=ha)).status_code in (200, 201)
    deposit = await http.post(
        "/api/v1/transaction/transactions/deposit", json={"wallet_id": wallet, "amount": "500.00"}, headers=ha
    )
    assert deposit.status_code == 201, deposit.text
    tx = deposit.json()["data"]["id"]
    b_wallet = (await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=hb)).json()["data"]["id"]
    await http.post(f"/api/v1/wallet/wallets/{b_wallet}/activate", headers=hb)
    t = b.token
    for path in (
        f"/api/v1/wallet/wallets/{wallet}",
        f"/api/v1/wallet/wallets/{wallet}/balance",
        f"/api/v1/wallet/wallets/{wallet}/cards",
        f"/api/v1/transaction/transactions/{tx}",
        f"/api/v1/transaction/wallets/{wallet}/spending-summary",
        f"/api/v1/transaction/wallets/{wallet}/statements/csv",
        f"/api/v1/transaction/wallets/{wallet}/statements/pdf",
    ):
        await probe.denied("nivo", t, "GET", path)
    await probe.denied("nivo", t, "POST", f"/api/v1/wallet/wallets/{wallet}/cards", {})
    await probe.denied(
        "nivo", t, "POST", f"/api/v1/wallet/wallets/{wallet}/deposit/upi", {"amount": "10.00", "upi_id": "ana@okaxis"}
    )
    await probe.denied("nivo", t, "PATCH", f"/api/v1/transaction/transactions/{tx}/category", {"category": "food"})
    card = await http.post(f"/api/v1/wallet/wallets/{wallet}/cards", json={}, headers=ha)
    assert card.status_code == 201, card.text
    card_id = card.json()["data"]["card"]["id"]
    await probe.denied("nivo", t, "GET", f"/api/v1/wallet/cards/{card_id}")
    for action in ("freeze", "unfreeze"):
        await probe.denied("nivo", t, "POST", f"/api/v1/wallet/cards/{card_id}/{action}")
    await probe.denied("nivo", t, "PATCH", f"/api/v1/wallet/cards/{card_id}/limits", {"daily_limit": "1.00"})
    await probe.denied("nivo", t, "DELETE", f"/api/v1/wallet/cards/{card_id}")
    still = await http.get(f"/api/v1/wallet/cards/{card_id}", headers=ha)
    assert still.status_code == 200 and still.json()["data"]["status"] == "active", still.text
    await probe.denied(
        "nivo", t, "POST", "/api/v1/transaction/transactions/withdrawal", {"wallet_id": wallet, "amount": "10.00"}
    )
    await probe.denied(
        "nivo",
        t,
        "POST",
        "/api/v1/transaction/transactions/transfer",
        {"from_wallet_id": wallet, "to_wallet_id": b_wallet, "amount": "10.00"},
    )


async def _tribble_resources(http: httpx.AsyncClient, probe: Probe, a: DropUser, b: DropUser) -> None:
    ha = auth_headers("tribble", a.token)
    card = {
        "type": "card",
        "cardNumber": "4242424242424242",
        "cardholderName": f"Ana {SECRET_NAME}",
        "expiryMonth": 12,
        "expiryYear": 2031,
        "cvv": "123",
    }
    pm = await http.post("/api/v1/payment-methods", headers=ha, json=card)
    assert pm.status_code == 201, pm.text
    pm_id = pm.json()["paymentMethodId"]
    wallets = (await http.get("/api/v1/wallets", headers=ha)).json()
    items = wallets.get("wallets") or wallets.get("data") or wallets
    wallet = items[0].get("walletId") or items[0].get("id")
    fund = await http.post(
        "/api/v1/wallets/fund", headers=ha, json={"walletId": wallet, "amount": 20, "paymentMethodId": pm_id}
    )
    assert fund.status_code == 201, fund.text
    tx = fund.json()["transactionId"]
    b_pm = await http.post("/api/v1/payment-methods", headers=auth_headers("tribble", b.token), json=card)
    t = b.token
    for path in (
        f"/api/v1/wallets/{wallet}",
        f"/api/v1/transactions/{tx}",
        f"/api/v1/transactions/{tx}/receipt",
        f"/api/v1/transactions/{tx}/refunds",
    ):
        await probe.denied("tribble", t, "GET", path)
    await probe.denied("tribble", t, "DELETE", f"/api/v1/payment-methods/{pm_id}")
    await probe.denied(
        "tribble",
        t,
        "POST",
        "/api/v1/wallets/fund",
        {"walletId": wallet, "amount": 5, "paymentMethodId": b_pm.json()["paymentMethodId"]},
    )
    await probe.denied("tribble", t, "POST", f"/api/v1/transactions/{tx}/refund", {"amount": 1, "reason": "x"})
    await probe.denied("tribble", t, "POST", f"/api/v1/transactions/{tx}/receipt/generate", {})
    merchant = await http.post(
        "/api/v1/merchants/register",
        headers=ha,
        json={"businessName": f"Shop {SECRET_NAME}", "entityType": "sole_proprietor", "taxId": "TAX-123456"},
    )
    assert merchant.status_code == 201, merchant.text
    mid = merchant.json()["merchantId"]
    schema = (await http.get("/schema/openapi.json")).json()["paths"]
    for method, template, body in (
        ("GET", "/api/v1/merchants/{merchantId}", None),
        ("GET", "/api/v1/merchants/{merchantId}/dashboard", None),
        ("GET", "/api/v1/merchants/{merchantId}/analytics", None),
        ("GET", "/api/v1/merchants/{merchantId}/subscription-metrics", None),
        ("POST", "/api/v1/merchants/{merchantId}/settlement", {"frequency": "weekly"}),
    ):
        if method.lower() in schema.get(template, {}):
            await probe.denied("tribble", t, method, template.replace("{merchantId}", mid), body)


async def _twallet_resources(
    http: httpx.AsyncClient, live: LiveServer, probe: Probe, a: DropUser, b: DropUser, a_id: int
) -> None:
    user = await live.sandbox.identity.get_user(a_id)
    assert user is not None
    _, c_token = await funded_user(live, "idor.tw.c@example.com", "USD", 0)
    c = await live.sandbox.identity.by_email("idor.tw.c@example.com")
    assert c is not None
    saved = await http.post(
        "/profile/contact",
        headers=auth_headers("twallet", a.token),
        json={"profile_id": c.profile_id, "first_name": "C", "last_name": SECRET_NAME},
    )
    assert saved.status_code == 200, saved.text
    await probe.denied(
        "twallet",
        b.token,
        "POST",
        "/profile/send-to-profile",
        {"from_account_id": user.twallet_account_id, "to_profile_id": c.profile_id, "asset_key": "NOK", "amount": 1},
    )
    await probe.denied("twallet", b.token, "DELETE", f"/profile/contact/{c.profile_id}")
    listed = await http.get("/profile/contact", headers=auth_headers("twallet", a.token))
    assert c.profile_id in listed.text


async def _cashier_resources(live: LiveServer, probe: Probe, a: DropUser, b: DropUser, a_id: int, b_id: int) -> None:
    sandbox = live.sandbox
    await funded_user(live, "idor.cash.x@example.com", "USD", 0)
    wallet = await sandbox.ledger.open_account("user", a_id, "USD")
    from app.core.ledger.models import Leg

    settlement = await sandbox.ledger.system_account("settlement", "USD")
    journal = await sandbox.ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 10_000)])
    async with cashier(live.ws_url, a.token) as sa:
        deposit = await sa.request("deposit_request", {"amount": 50, "currency": "USD", "service": "mpesa"})
        assert deposit["type"] == "success", deposit
        ref = deposit["data"]["data"]["request_ref"]
    before = await _owner_balances(live, [a_id])
    async with cashier(live.ws_url, b.token) as sb:
        for kind, data in (
            ("get_account_balance", {"account_number": wallet.number}),
            ("get_account_statement", {"account_number": wallet.number}),
            ("get_ledgers", {"account_number": wallet.number}),
            ("get_transaction_by_receipt", {"receipt_code": journal.receipt_code}),
            ("get_deposit_status", {"request_ref": ref}),
            ("cancel_deposit", {"request_ref": ref}),
        ):
            reply = await sb.request(kind, data)
            if reply["type"] != "error" or SECRET_NAME in str(reply):
                probe.failures.append(f"cashier {kind}: {reply}")
    assert await _owner_balances(live, [a_id]) == before, "B changed A's balances"
