"""SQL injection strings in text fields are stored and returned verbatim; in filters they are just values.

Each payload goes into free-text fields of every platform (names, descriptions, notes, subjects,
card holder names) and into query parameters. Accepted text comes back byte for byte through the
API and sits verbatim in the database; nothing else changes (every table is still there, the
ledger invariants hold, no other user's rows appear).
"""

from __future__ import annotations

import httpx

from tests.reliability.cashier_ws import cashier, funded_user
from tests.reliability.drop_api import register
from tests.reliability.envelopes import assert_envelope, auth_headers
from tests.reliability.ledger_file import assert_invariants, rows
from tests.support.server import LiveServer

PAYLOADS = [
    "Robert'); DROP TABLE users;--",
    "x' OR '1'='1",
    'Ana" OR 1=1 --',
    "Ana'; UPDATE accounts SET balance = 99999999 WHERE '1'='1",
    "Zed%' UNION SELECT password_hash FROM users --",
    "Ana\\'; DELETE FROM journals; --",
]


def _holds(value: object, text: str) -> bool:
    """``text`` is one of the string values anywhere in a decoded JSON document."""
    if isinstance(value, dict):
        return any(_holds(v, text) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, text) for v in value)
    return value == text


def _tables(live: LiveServer) -> set[str]:
    return {r["name"] for r in rows(live.settings.db, "SELECT name FROM sqlite_master WHERE type = 'table'")}


async def test_injection_strings_are_stored_as_text(http: httpx.AsyncClient, live: LiveServer) -> None:
    tables = _tables(live)
    user = await register(http, "inject")
    await register(http, "bystander")
    accepted: dict[str, int] = {}

    def took(platform: str, resp: httpx.Response) -> bool:
        if 200 <= resp.status_code < 300:
            accepted[platform] = accepted.get(platform, 0) + 1
            return True
        assert_envelope(resp, platform)  # refused by a field rule: a clean 4xx
        return False

    for n, payload in enumerate(PAYLOADS):
        # Drop: recipient name and bank name, complaint subject and description.
        resp = await http.post(
            "/api/recipients",
            headers=user.auth,
            json={
                "name": payload,
                "country": "PL",
                "currency": "PLN",
                "bankAccount": f"PL6110901014000007121981{n:04d}",
                "bankName": payload,
            },
        )
        if took("drop", resp):
            listed = (await http.get("/api/recipients", headers=user.auth, params={"limit": 50})).json()["data"]
            assert payload in [r["name"] for r in listed]
        resp = await http.post(
            "/api/complaints",
            headers=user.auth,
            json={"category": "service", "subject": payload, "description": payload},
        )
        if took("drop", resp):
            complaints = (await http.get("/api/complaints", headers=user.auth, params={"limit": 100})).json()["data"]
            assert any(c["subject"] == payload and c["description"] == payload for c in complaints)
            stored = rows(live.settings.db, "SELECT subject FROM drop_complaints WHERE subject = ?", (payload,))
            assert len(stored) == 1
        # Tribble: profile names.
        resp = await http.put(
            "/api/v1/users/profile", headers=auth_headers("tribble", user.token), json={"lastName": payload}
        )
        if took("tribble", resp):
            profile = (await http.get("/api/v1/users/profile", headers=auth_headers("tribble", user.token))).json()
            assert _holds(profile, payload), profile
            assert rows(live.settings.db, "SELECT last_name FROM users WHERE email = ?", (user.email,))[0][0] == payload
        # Filters and searches: the payload is a value, never SQL.
        for path, params, platform in (
            ("/api/transactions", {"status": payload}, "drop"),
            ("/api/recipients", {"name": payload}, "drop"),
            ("/api/complaints", {"sort": payload}, "drop"),
            ("/api/complaints", {"dir": payload}, "drop"),
            ("/api/v1/transactions", {"search": payload, "status": payload}, "tribble"),
        ):
            resp = await http.get(path, params=params, headers=auth_headers(platform, user.token))
            if resp.status_code >= 400:
                assert_envelope(resp, platform)
            else:
                assert payload not in resp.text or platform == "drop"
        users = await http.get("/_sandbox/users", params={"q": payload})
        assert users.status_code == 200, users.text
        # Only users whose stored text holds the payload match (here: our user after the profile update).
        assert all(payload in (u["first_name"], u["last_name"], u["email"]) for u in users.json()["users"])

    # Nivo: deposit description; T-Wallet: contact names and send notes; Cashier: transfer description.
    headers = auth_headers("nivo", user.token)
    wallet = (await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=headers)).json()["data"]["id"]
    await http.post(f"/api/v1/wallet/wallets/{wallet}/activate", headers=headers)
    for payload in PAYLOADS:
        resp = await http.post(
            "/api/v1/transaction/transactions/deposit",
            headers=headers,
            json={"wallet_id": wallet, "amount": "10.00", "description": payload},
        )
        if took("nivo", resp):
            tx = resp.json()["data"]["id"]
            shown = (await http.get(f"/api/v1/transaction/transactions/{tx}", headers=headers)).json()["data"]
            assert shown.get("description") == payload, shown

    _, sender_token = await funded_user(live, "inject.sender@example.com", "USD", 100_000)
    target_id, _ = await funded_user(live, "inject.target@example.com", "USD", 0)
    target = await live.sandbox.identity.get_user(target_id)
    assert target is not None
    for payload in PAYLOADS:
        saved = await http.post(
            "/profile/contact",
            headers=auth_headers("twallet", sender_token),
            json={"profile_id": target.profile_id, "first_name": payload, "last_name": payload},
        )
        if took("twallet", saved):
            listed = await http.get("/profile/contact", headers=auth_headers("twallet", sender_token))
            assert _holds(listed.json(), payload), listed.text
    async with cashier(live.ws_url, sender_token) as sock:
        for payload in PAYLOADS:
            reply = await sock.request(
                "transfer", {"to_user_id": str(target_id), "amount": 1, "currency": "USD", "description": payload}
            )
            assert reply["type"] == "success", reply
            receipt = reply["data"]["data"]["receipt_code"]
            shown = await sock.request("get_transaction_by_receipt", {"receipt_code": receipt})
            assert _holds(shown, payload), shown
            assert rows(live.settings.db, "SELECT description FROM journals WHERE description = ?", (payload,))

    assert accepted.get("drop") and accepted.get("nivo") and accepted.get("twallet"), accepted
    assert _tables(live) >= tables, "a table disappeared"
    assert rows(live.settings.db, "PRAGMA integrity_check")[0][0] == "ok"
    assert_invariants(live.settings.db)
    assert (await live.sandbox.ledger.check()).ok
