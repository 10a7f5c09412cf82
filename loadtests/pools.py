"""What the Locust users of one load-generator process share: recipients and merchants.

Recipients start with the seeded demo accounts (alice and bob, docs/seeds.md) when the database
has them, and grow with every load user that signs up, so the locustfile also works on an empty
database. Merchants are the seeded demo merchant where there is one, else one registered for
the run. Each lookup runs once per process (a gevent lock: users start concurrently).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from gevent.lock import BoundedSemaphore

from loadtests.flows import (
    DEMO_PASSWORD,
    bearer,
    control_headers,
    drop_login,
    drop_register,
    expect,
    nivo_inr_wallet,
    nivo_login,
    probe,
    sandbox_user,
    tribble_register,
)

DEMO_USERS = ("alice@paysandbox.test", "bob@paysandbox.test")
DEMO_MERCHANT = "merchant@paysandbox.test"
DEMO_ADMIN = "admin@paysandbox.test"

T = TypeVar("T")


@dataclass
class Pool:
    """Ids that load users pay into (Nivo wallets, T-Wallet profiles, Cashier user ids)."""

    items: list[str] = field(default_factory=list)

    def add(self, item: str | None) -> None:
        if item and item not in self.items:
            self.items.append(item)

    def pick(self, exclude: str | None = None) -> str | None:
        choices = [item for item in self.items if item != exclude]
        return random.choice(choices) if choices else None


NIVO_WALLETS = Pool()
TWALLET_PROFILES = Pool()
CASHIER_USERS = Pool()


class Once(Generic[T]):
    """A value computed by the first caller (with that caller's HTTP client); later callers wait for it."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self._compute = compute
        self._lock = BoundedSemaphore()
        self._done = False
        self._value: T | None = None

    def get(self, client: Any) -> T | None:
        with self._lock:
            if not self._done:
                try:
                    self._value = self._compute(client)
                finally:
                    self._done = True
            return self._value


@dataclass
class DemoAccount:
    email: str
    token: str
    nivo_wallet: str | None
    twallet_account: str | None


def _discover_demo(client: Any) -> list[DemoAccount]:
    """Log in as the seeded demo users that exist; their wallets and profiles become recipients."""
    found: list[DemoAccount] = []
    for email in DEMO_USERS:
        token = nivo_login(client, email, DEMO_PASSWORD)
        if token is None:
            continue
        wallet = nivo_inr_wallet(client, token)
        NIVO_WALLETS.add(wallet)
        headers = {"X-Authorization": token}
        profile = expect(client.get("/profile/", headers=headers, name="setup: twallet profile"), 200)
        TWALLET_PROFILES.add(profile["profile_id"])
        user = sandbox_user(client, email)
        if user is not None:
            CASHIER_USERS.add(str(user["id"]))
        found.append(DemoAccount(email, token, wallet, profile["account_id"]))
    return found


DEMO = Once(_discover_demo)

# A seeded sender needs at least this much in its INR wallet (minor units: 10,000.00 INR).
SEEDED_MIN_BALANCE = 1_000_000


def _seeded_nivo_senders(client: Any) -> list[str]:
    """Emails of seeded users with a funded INR wallet (``+91`` phones get Nivo wallets, docs/seeds.md)."""
    resp = probe(
        client,
        "GET",
        "/_sandbox/users",
        ok=(200,),
        params={"q": "+91", "limit": 500},
        headers=control_headers(),
        name="setup: sandbox users",
    )
    if resp.status_code != 200:
        return []
    emails = []
    for user in resp.json()["users"]:
        funded = any(
            a["currency"] == "INR" and a["purpose"] == "ACCOUNT_PURPOSE_WALLET" and a["available"] >= SEEDED_MIN_BALANCE
            for a in user["accounts"]
        )
        if funded and user["status"] == "active" and user["email"] not in DEMO_USERS:
            emails.append(str(user["email"]))
    random.shuffle(emails)
    return emails


SEEDED_NIVO_SENDERS = Once(_seeded_nivo_senders)


def claim_seeded_nivo_sender(client: Any) -> str | None:
    """One seeded sender's email for this user alone (None once every one is taken, or on an empty database)."""
    emails = SEEDED_NIVO_SENDERS.get(client)
    return emails.pop() if emails else None


def _tribble_merchant(client: Any) -> str | None:
    """An APPROVED Tribble merchant for the run: registered by a fresh user, approved by the seeded admin.

    None when the database has no admin (an empty database): Tribble users then fund wallets instead.
    """
    body = {"email": DEMO_ADMIN, "password": DEMO_PASSWORD}
    resp = probe(client, "POST", "/api/v1/auth/login", ok=(200, 401, 404), json=body, name="setup: tribble login")
    if resp.status_code != 200:
        return None
    admin = bearer(resp.json()["accessToken"])
    _, _, owner_token = tribble_register(client, "tribble-merchant")
    merchant = {
        "businessName": "Load Test Store",
        "entityType": "sole_proprietor",
        "taxId": f"{random.randint(10**10, 10**11 - 1)}",
        "industry": "retail",
        "bankAccount": {"bankCode": "044", "accountNumber": "1234567890", "accountHolder": "Load Test"},
    }
    resp = client.post(
        "/api/v1/merchants/register", json=merchant, headers=bearer(owner_token), name="setup: tribble merchant"
    )
    merchant_id = str(expect(resp, 201)["merchantId"])
    resp = client.post(
        f"/api/v1/admin/merchants/{merchant_id}/approve",
        json={"notes": "load test merchant"},
        headers=admin,
        name="setup: tribble approve merchant",
    )
    expect(resp, 200)
    return merchant_id


TRIBBLE_MERCHANT = Once(_tribble_merchant)


def _drop_merchant(client: Any) -> str | None:
    """The seeded demo Drop merchant, else one registered by a fresh Drop user."""
    token = drop_login(client, DEMO_MERCHANT, DEMO_PASSWORD)
    if token is not None:
        resp = probe(client, "GET", "/api/merchants/qr", ok=(200, 403), headers=bearer(token), name="setup: drop qr")
        if resp.status_code == 200:
            return str(resp.json()["data"]["merchantId"])
    _, token = drop_register(client, "drop-merchant")
    body = {
        "businessName": "Load Test Cafe",
        "orgNumber": f"{random.randint(10**8, 10**9 - 1)}",
        "address": "Karl Johans gate 1, Oslo",
        "bankAccount": "15030000001",
    }
    resp = client.post("/api/merchants/register", json=body, headers=bearer(token), name="setup: drop merchant")
    return str(expect(resp, 201)["data"]["id"])


DROP_MERCHANT = Once(_drop_merchant)

__all__ = [
    "CASHIER_USERS",
    "DEMO",
    "DROP_MERCHANT",
    "NIVO_WALLETS",
    "TRIBBLE_MERCHANT",
    "TWALLET_PROFILES",
    "DemoAccount",
    "Pool",
]
