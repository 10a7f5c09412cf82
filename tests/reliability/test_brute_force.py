"""Password and OTP guessing is throttled (rate limits on, as in production use).

Logins: an attacker guessing one account's password on Drop, Nivo and Tribble soon gets 429 in
the platform's envelope, and once throttled even the right password is refused, so guessing
cannot continue. OTP: five wrong codes lock a Cashier verification challenge; the right code
afterwards is refused too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.settings import Settings
from tests.reliability.cashier_ws import cashier
from tests.reliability.drop_api import PASSWORD, register
from tests.reliability.envelopes import assert_envelope
from tests.support.server import LiveServer, live_server

ATTEMPTS = 60


@pytest.fixture
def limited(settings: Settings) -> Iterator[LiveServer]:
    with live_server(settings.replace(rate_limits=True)) as server:
        yield server


@pytest.fixture
async def limited_http(limited: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=limited.base_url, timeout=30) as client:
        yield client


LOGINS = {
    "drop": ("/api/auth/login", lambda email, pw: {"email": email, "password": pw}),
    "nivo": ("/api/v1/identity/auth/login", lambda email, pw: {"email": email, "password": pw}),
    "tribble": ("/api/v1/auth/login", lambda email, pw: {"email": email, "password": pw}),
}


@pytest.mark.parametrize("platform", sorted(LOGINS))
async def test_password_guessing_is_throttled(
    platform: str, limited_http: httpx.AsyncClient, limited: LiveServer
) -> None:
    user = await register(limited_http, f"brute{platform}")
    # Fixed one-minute windows on the sandbox clock: freeze it so no window ends mid-test.
    assert (await limited_http.post("/_sandbox/clock/freeze")).status_code == 200
    path, body = LOGINS[platform]
    throttled_at = None
    for attempt in range(ATTEMPTS):
        resp = await limited_http.post(path, json=body(user.email, f"wrong-guess-{attempt}"))
        assert resp.status_code in (400, 401, 429), (attempt, resp.status_code, resp.text)
        assert_envelope(resp, platform)
        if resp.status_code == 429:
            throttled_at = attempt
            break
    assert throttled_at is not None, f"{ATTEMPTS} wrong passwords and no 429"
    right = await limited_http.post(path, json=body(user.email, PASSWORD))
    assert right.status_code == 429, right.text
    assert_envelope(right, platform)


async def test_otp_guessing_locks_the_challenge(limited_http: httpx.AsyncClient, limited: LiveServer) -> None:
    user = await register(limited_http, "bruteotp")
    async with cashier(limited.ws_url, user.token) as sock:
        sent = await sock.request("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
        assert sent["type"] == "success", sent
        latest = await limited_http.get("/_sandbox/inbox/latest", params={"to": user.email, "purpose": "withdrawal"})
        assert latest.status_code == 200, latest.text
        code = latest.json()["code"]
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        messages = []
        for _ in range(6):
            reply = await sock.request("verify_otp", {"code": wrong, "purpose": "withdrawal"})
            assert reply["type"] == "error", reply
            messages.append(reply["data"]["message"])
        assert messages[0] == "invalid OTP code"
        assert messages[-1] == "too many failed attempts. Please request a new OTP.", messages
        right = await sock.request("verify_otp", {"code": code, "purpose": "withdrawal"})
        assert right["type"] == "error", right
        # A fresh challenge works again (the lock is per challenge, not a permanent denial).
        await sock.request("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
        fresh = (
            await limited_http.get("/_sandbox/inbox/latest", params={"to": user.email, "purpose": "withdrawal"})
        ).json()["code"]
        ok = await sock.request("verify_otp", {"code": fresh, "purpose": "withdrawal"})
        assert ok["type"] == "success", ok


async def test_nivo_otp_guessing_locks_the_verification(limited_http: httpx.AsyncClient, limited: LiveServer) -> None:
    """A high-value Nivo transfer's OTP: five wrong guesses lock it; the right code is refused afterwards."""
    from tests.reliability.money_routes import _nivo_wallet

    user = await register(limited_http, "brutenivo")
    other = await register(limited_http, "brutenivoto")
    source = await _nivo_wallet(limited_http, user.token, deposit="100000.00")
    target = await _nivo_wallet(limited_http, other.token)
    headers = {"Authorization": f"Bearer {user.token}"}
    started = await limited_http.post(
        "/api/v1/transaction/transactions/transfer",
        headers=headers,
        json={"from_wallet_id": source, "to_wallet_id": target, "amount": "60000.00"},
    )
    assert started.status_code == 202, started.text
    verification = started.json()["data"]["verification_id"]
    portal = await limited_http.post(
        "/api/v1/identity/auth/login", json={"email": user.email, "password": PASSWORD, "account_type": "user_admin"}
    )
    portal_token = portal.json()["data"]["token"]
    pending = await limited_http.get(
        "/api/v1/identity/verifications/pending", headers={"Authorization": f"Bearer {portal_token}"}
    )
    code = next(v["otp"] for v in pending.json()["data"]["verifications"] if v["id"] == verification)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    statuses = []
    for _ in range(6):
        resp = await limited_http.post(
            f"/api/v1/identity/verifications/{verification}/verify", headers=headers, json={"otp": wrong}
        )
        assert 400 <= resp.status_code < 500, resp.text
        statuses.append(assert_envelope(resp, "nivo"))
    right = await limited_http.post(
        f"/api/v1/identity/verifications/{verification}/verify", headers=headers, json={"otp": code}
    )
    assert 400 <= right.status_code < 500, right.text
    # Wrong codes say so until the fifth failure locks the challenge; then even the right code is refused.
    assert statuses[0] == "INVALID_OTP" and statuses[-1] != "INVALID_OTP", statuses
    assert assert_envelope(right, "nivo") == statuses[-1]
