"""Hostile request bodies and paths: deep nesting, bytes that are not UTF-8, huge bodies, odd ids.

Every platform's JSON routes (and the control API) answer a clear 4xx in their envelope, never a
500: a body nested 100,000 levels deep (the JSON decoder's recursion limit), a body that is not
UTF-8, a 30 MB body, ids with NUL bytes, encoded slashes, emoji and 10,000 characters.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.reliability.drop_api import register
from tests.reliability.envelopes import assert_envelope, auth_headers
from tests.reliability.ledger_file import rows
from tests.support.server import LiveServer

DEEP = "[" * 100_000 + "]" * 100_000
BODY_ROUTES = {
    "drop": [("POST", "/api/recipients"), ("POST", "/api/transactions/qr-payment"), ("PATCH", "/api/settings")],
    "tribble": [("POST", "/api/v1/payment-methods"), ("POST", "/api/v1/wallets/fund")],
    "nivo": [("POST", "/api/v1/wallet/wallets"), ("POST", "/api/v1/transaction/transactions/deposit")],
    "twallet": [("POST", "/profile/contact"), ("POST", "/profile/send-to-profile")],
    "control": [("POST", "/_sandbox/tokens"), ("POST", "/_sandbox/clock/advance")],
}
# Litestar decodes Tribble's, Nivo's, T-Wallet's and the control API's bodies before their handlers run;
# msgspec's RecursionError / UnicodeDecodeError are mapped to a 400 by app/asgi.py (and app/sandbox/errors.py).


def _check(resp: httpx.Response, platform: str) -> None:
    assert 400 <= resp.status_code < 500, (
        resp.request.method,
        resp.request.url.path,
        resp.status_code,
        resp.text[:200],
    )
    if platform == "control":
        body = resp.json()
        assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body
    else:
        assert_envelope(resp, platform)


@pytest.mark.parametrize("platform", sorted(BODY_ROUTES))
async def test_undecodable_bodies_are_clear_4xx(platform: str, http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, f"hostile{platform}")
    headers = {
        **auth_headers(platform if platform != "control" else "drop", user.token),
        "content-type": "application/json",
    }
    for method, path in BODY_ROUTES[platform]:
        for body in (
            DEEP.encode(),
            ('{"name": ' + DEEP + "}").encode(),
            b'{"name": "\xff\xfe\xfd", "amount": 1}',
            b"\xc3\x28\xa0\xa1",
        ):
            _check(await http.request(method, path, content=body, headers=headers), platform)


async def test_huge_bodies_and_odd_ids(http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, "hostileids")
    big = json.dumps({"category": "other", "subject": "x", "description": "y" * 30_000_000})
    resp = await http.post("/api/complaints", content=big, headers={**user.auth, "content-type": "application/json"})
    _check(resp, "drop")
    for platform, template in (
        ("drop", "/api/transactions/{}"),
        ("drop", "/api/recipients/{}"),
        ("tribble", "/api/v1/transactions/{}"),
        ("tribble", "/api/v1/wallets/{}"),
        ("nivo", "/api/v1/wallet/wallets/{}"),
        ("nivo", "/api/v1/transaction/transactions/{}"),
        ("twallet", "/profile/account/{}"),
    ):
        for odd in ("%00", "..%2F..%2Fetc%2Fpasswd", "%F0%9F%92%B8", "x" * 10_000, "%ZZ", "1%20OR%201%3D1", "-1"):
            method = "DELETE" if "recipients" in template else "GET"
            resp = await http.request(method, template.format(odd), headers=auth_headers(platform, user.token))
            _check(resp, platform)


async def test_unknown_paths_and_wrong_methods_answer_in_the_envelope(http: httpx.AsyncClient) -> None:
    user = await register(http, "hostilepaths")
    for platform, path, wrong_method in (
        ("drop", "/api/transactions/nope/deeper", ("PUT", "/api/auth/me")),
        ("tribble", "/api/v1/nope", ("PUT", "/api/v1/wallets")),
        ("nivo", "/api/v1/wallet/nope", ("DELETE", "/api/v1/wallet/wallets")),
        ("nivo", "/api/v1/identity/nope", ("GET", "/api/v1/identity/auth/login")),
        ("twallet", "/profile/nope", ("DELETE", "/profile/send-to-profile")),
    ):
        headers = auth_headers(platform, user.token)
        for method in ("GET", "POST", "DELETE"):
            resp = await http.request(method, path, headers=headers)
            assert resp.status_code in (404, 405), (platform, method, path, resp.status_code)
            _check(resp, platform)
        resp = await http.request(wrong_method[0], wrong_method[1], headers=headers)
        assert resp.status_code in (404, 405), (platform, wrong_method, resp.status_code, resp.text[:200])
        _check(resp, platform)


async def test_huge_paging_and_filter_values_are_4xx_or_empty_pages(http: httpx.AsyncClient) -> None:
    """Page numbers past SQLite's 64-bit integers, odd dates and NaN filters on every list route."""
    user = await register(http, "hostilepages")
    big = "99999999999999999999"
    wallet = await http.post(
        "/api/v1/wallet/wallets", json={"currency": "INR"}, headers=auth_headers("nivo", user.token)
    )
    wallet_id = wallet.json()["data"]["id"]
    for platform, path, params in (
        ("twallet", "/profile/payment_transaction", {"page": big}),
        ("twallet", "/profile/payment_transaction", {"page": "9223372036854775807", "limit": "100"}),
        ("twallet", "/profile/contact", {"page": big, "limit": big}),
        ("drop", "/api/transactions", {"page": big, "limit": big}),
        ("drop", "/api/transactions", {"amount[in]": "NaN,Infinity", "createdAt[gte]": "99999-99-99"}),
        ("drop", "/api/recipients", {"page": "9223372036854775807"}),
        ("drop", "/api/notifications", {"page": big}),
        ("tribble", "/api/v1/transactions", {"page": big, "limit": big}),
        ("tribble", "/api/v1/transactions", {"startDate": "0000-00-00", "endDate": "99999-01-01"}),
        ("tribble", "/api/v1/bills/topups", {"page": big}),
        ("tribble", "/api/v1/payment-methods", {"page": big}),
        ("nivo", f"/api/v1/transaction/wallets/{wallet_id}/statements/csv", {"start_date": "-1", "end_date": "1e308"}),
        ("nivo", f"/api/v1/transaction/wallets/{wallet_id}/spending-summary", {"period": "x", "month": big}),
        ("nivo", "/api/v1/wallet/wallets", {"page": big, "limit": big}),
    ):
        resp = await http.get(path, params=params, headers=auth_headers(platform, user.token))
        assert resp.status_code < 500, (platform, path, params, resp.status_code, resp.text[:200])
        if resp.status_code >= 400:
            _check(resp, platform)
    for path, params in (("/_sandbox/events", {"limit": big}), ("/_sandbox/operations", {"offset": big})):
        resp = await http.get(path, params=params)
        assert resp.status_code < 500, (path, resp.text[:200])
        if resp.status_code >= 400:
            _check(resp, "control")


WRONG_OTP = ("invalid OTP code", "too many failed attempts. Please request a new OTP.")


async def test_non_ascii_otp_codes_are_just_wrong_codes(http: httpx.AsyncClient, live: LiveServer) -> None:
    """Unicode digits and letters as OTP / TOTP codes: a wrong code, not a crash (found by the WebSocket fuzzer)."""
    from tests.reliability.cashier_ws import cashier

    user = await register(http, "unicodeotp")
    found = await live.sandbox.identity.by_email(user.email)
    assert found is not None
    await live.sandbox.identity.enable_totp(found.id)
    async with cashier(live.ws_url, user.token) as sock:
        sent = await sock.request("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
        assert sent["type"] == "success", sent
        for code in ("𝔘𝔖𝔇𝔘𝔖𝔇", "١٢٣٤٥٦", "۱۲۳۴۵۶", "²³⁴⁵⁶⁷", "１２３４５６"):
            reply = await sock.request("verify_otp", {"code": code, "purpose": "withdrawal"})
            assert reply["type"] == "error", (code, reply)
            assert reply["data"]["message"] in WRONG_OTP, (code, reply)  # the fifth wrong code locks it
            reply = await sock.request("verify_totp", {"code": code, "purpose": "withdrawal"})
            assert reply["type"] == "error" and "internal error" not in reply["data"]["message"], (code, reply)


async def test_cashier_huge_offsets_are_clear_errors(live: LiveServer) -> None:
    """Paging offsets beyond SQLite's 64-bit integers on Cashier's list requests."""
    from tests.reliability.cashier_ws import cashier, funded_user

    _, token = await funded_user(live, "offsets@example.com", "USD", 1_000)
    account = rows(live.settings.db, "SELECT number FROM accounts WHERE owner_type = 'user'")[0]["number"]
    async with cashier(live.ws_url, token) as sock:
        for kind, data in (
            ("get_history", {"offset": 10**30}),
            ("get_history", {"offset": 2**63}),
            ("get_ledgers", {"account_number": account, "offset": 10**30}),
        ):
            reply = await sock.request(kind, data)
            assert reply["type"] == "error", (kind, data, reply)
            assert reply["data"]["message"] == "offset must be at most 1000000000", (kind, data, reply)
