"""Sign-up, login and funding steps the Locust users share (each a few documented HTTP calls).

Every step runs on a Locust HTTP client (``FastHttpSession``), so its requests show in the
statistics under a ``setup: ...`` name, apart from the measured tasks. A step that cannot
complete raises ``SetupFailed`` (the user then stops; the failed request is already counted).
"""

from __future__ import annotations

import itertools
import os
import random
import uuid
from dataclasses import dataclass
from typing import Any

DEMO_PASSWORD = "Sandbox123!"  # every seeded account (docs/seeds.md)
LOAD_PASSWORD = "LoadTest123!"
_RUN = uuid.uuid4().hex[:8]  # one per load-generator process: emails never collide across workers
_serial = itertools.count(1)


class SetupFailed(RuntimeError):
    """A sign-up / login / funding step answered something unexpected."""


def control_headers() -> dict[str, str]:
    """Headers for /_sandbox calls (the control token, when the server requires one)."""
    token = os.environ.get("PAYSANDBOX_CONTROL_TOKEN", "")
    return {"X-Sandbox-Token": token} if token else {}


def unique_email(kind: str) -> str:
    return f"lt-{kind}-{_RUN}-{next(_serial)}@loadtest.paysandbox.test"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def expect(resp: Any, *statuses: int) -> Any:
    """The JSON body of ``resp`` when its status is one of ``statuses``; else ``SetupFailed``."""
    if resp.status_code not in statuses:
        raise SetupFailed(f"{getattr(resp, 'url', '')} answered {resp.status_code}: {(resp.text or '')[:300]}")
    return resp.json() if resp.text else None


def probe(client: Any, method: str, path: str, *, ok: tuple[int, ...], **kwargs: Any) -> Any:
    """A request whose statuses in ``ok`` are all expected answers (e.g. 401 for a demo user absent
    from an empty database): recorded as a success then, as a failure otherwise."""
    with client.request(method, path, catch_response=True, **kwargs) as resp:
        if resp.status_code in ok:
            resp.success()
        else:
            resp.failure(f"unexpected {resp.status_code}")
    return resp


@dataclass
class NivoAccount:
    email: str
    token: str
    wallet_id: str


def nivo_login(client: Any, email: str, password: str) -> str | None:
    """A Nivo login (one identity: the JWT works on every platform); None when the user does not exist."""
    body = {"email": email, "password": password}
    resp = probe(
        client, "POST", "/api/v1/identity/auth/login", ok=(200, 401, 403, 404), json=body, name="setup: nivo login"
    )
    if resp.status_code != 200:
        return None
    return str(resp.json()["data"]["token"])


def nivo_register(client: Any, kind: str) -> tuple[str, str]:
    """Register a fresh user through Nivo (``+91`` phone) and log in; returns (email, token)."""
    email = unique_email(kind)
    for _ in range(5):  # a random phone may already be taken
        phone = f"+91{random.randint(6_000_000_000, 9_999_999_999)}"
        body = {"email": email, "password": LOAD_PASSWORD, "full_name": f"Load {kind.title()}", "phone": phone}
        resp = probe(
            client, "POST", "/api/v1/identity/auth/register", ok=(201, 409), json=body, name="setup: nivo register"
        )
        if resp.status_code == 201:
            break
        if resp.status_code != 409:
            expect(resp, 201)
    else:
        raise SetupFailed("no free +91 phone number after 5 tries")
    token = nivo_login(client, email, LOAD_PASSWORD)
    if token is None:
        raise SetupFailed(f"login of the just registered {email} failed")
    return email, token


def nivo_inr_wallet(client: Any, token: str) -> str | None:
    """The caller's active INR Nivo wallet id, if any."""
    resp = client.get("/api/v1/wallet/wallets", headers=bearer(token), name="setup: nivo list wallets")
    for wallet in expect(resp, 200)["data"]:
        if wallet["currency"] == "INR" and wallet["status"] == "active":
            return str(wallet["id"])
    return None


def nivo_funded_user(client: Any, kind: str, deposit: str = "100000.00") -> NivoAccount:
    """A fresh user with an active INR Nivo wallet holding ``deposit`` (Flows 1-3 of the contract)."""
    email, token = nivo_register(client, kind)
    headers = bearer(token)
    resp = client.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=headers, name="setup: nivo wallet")
    wallet_id = str(expect(resp, 201)["data"]["id"])
    resp = client.post(
        f"/api/v1/wallet/wallets/{wallet_id}/activate", headers=headers, name="setup: nivo activate wallet"
    )
    expect(resp, 200, 201)
    body = {"wallet_id": wallet_id, "amount": deposit, "currency": "INR", "description": "load test float"}
    resp = client.post(
        "/api/v1/transaction/transactions/deposit", json=body, headers=headers, name="setup: nivo deposit"
    )
    expect(resp, 201)
    return NivoAccount(email, token, wallet_id)


def sandbox_user(client: Any, email: str) -> dict[str, Any] | None:
    """The control API's view of a user (numeric id, uuid, accounts) or None."""
    resp = probe(
        client, "GET", f"/_sandbox/users/{email}", ok=(200, 404), headers=control_headers(), name="setup: sandbox user"
    )
    return resp.json() if resp.status_code == 200 else None


def approve_kyc(client: Any, email: str, tier: int = 3) -> None:
    """KYC approval through the control API (no platform route approves a user's own KYC at once)."""
    resp = client.post(
        f"/_sandbox/users/{email}/kyc",
        json={"status": "approved", "tier": tier},
        headers=control_headers(),
        name="setup: sandbox kyc",
    )
    expect(resp, 200)


def tribble_register(client: Any, kind: str) -> tuple[str, str, str]:
    """A fresh Tribble user (NGN phone), logged in; returns (email, user uuid, access token)."""
    email = unique_email(kind)
    body = {
        "email": email,
        "password": LOAD_PASSWORD,
        "firstName": "Load",
        "lastName": kind.title(),
        "phoneNumber": f"+2348{random.randint(0, 999_999_999):09d}",
        "dateOfBirth": "1990-01-15",
        "accountType": "individual",
    }
    expect(client.post("/api/v1/auth/register", json=body, name="setup: tribble register"), 201)
    return (email, *tribble_login(client, email, LOAD_PASSWORD))  # type: ignore[return-value]


def tribble_login(client: Any, email: str, password: str) -> tuple[str, str]:
    """Tribble login; returns (user uuid, access token)."""
    resp = client.post("/api/v1/auth/login", json={"email": email, "password": password}, name="setup: tribble login")
    data = expect(resp, 200)
    return str(data["user"]["userId"]), str(data["accessToken"])


def drop_session_token(resp: Any) -> str:
    """The ``drop_token`` session cookie a Drop login or registration sets (sent back as a Bearer token)."""
    cookie = resp.headers.get("set-cookie") or ""
    for part in cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "drop_token" and value:
            return value
    raise SetupFailed("no drop_token cookie in the Drop answer")


def drop_register(client: Any, kind: str) -> tuple[str, str]:
    """A fresh Drop user (linked bank account with 50,000.00 NOK); returns (email, session token)."""
    email = unique_email(kind)
    body = {
        "email": email,
        "password": "loadtest123",
        "firstName": "Load",
        "lastName": kind.title(),
        "dateOfBirth": "1990-04-12",
    }
    resp = client.post("/api/auth/register", json=body, name="setup: drop register")
    expect(resp, 201)
    return email, drop_session_token(resp)


def drop_login(client: Any, email: str, password: str) -> str | None:
    body = {"email": email, "password": password}
    resp = probe(client, "POST", "/api/auth/login", ok=(200, 401), json=body, name="setup: drop login")
    return drop_session_token(resp) if resp.status_code == 200 else None
