"""The HTTP Locust users: one per platform's money path, plus a read-heavy user.

Every money task is tagged ``ledger`` (``--tags ledger`` runs the ledger-path mix) and with its
platform's name; reads are tagged ``read``. Each user signs up (or logs in) once in ``on_start``.
"""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

from locust import between, tag, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

from loadtests import pools
from loadtests.flows import (
    DEMO_PASSWORD,
    NivoAccount,
    SetupFailed,
    approve_kyc,
    bearer,
    drop_register,
    expect,
    nivo_funded_user,
    nivo_inr_wallet,
    nivo_login,
    tribble_register,
)

CARD = "4242424242424242"  # the card simulator's always-succeeds test card (GET /_sandbox/magic)
TOP_UP = "1000.00"  # USD a Tribble user loads onto its wallet from its card, at start and when empty
TOP_UP_EVERY = 5.0  # seconds (load-generator time) between two top-ups while payments answer 402


class SandboxUser(FastHttpUser):
    abstract = True
    wait_time = between(0.05, 0.5)
    # Setup steps are several calls; a slow start under load must not look like a hang.
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        try:
            self.sign_up()
        except SetupFailed as exc:
            self.environment.events.user_error.fire(user_instance=self, exception=exc, tb=None)
            raise StopUser() from exc

    def sign_up(self) -> None:
        raise NotImplementedError

    def money(self, method: str, path: str, name: str, ok: tuple[int, ...], **kwargs: Any) -> Any:
        """A measured request, recorded as a failure unless its status is in ``ok``."""
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as resp:
            if resp.status_code in ok:
                resp.success()
            else:
                resp.failure(f"{resp.status_code}: {(resp.text or '')[:200]}")
            return resp


class NivoTransferUser(SandboxUser):
    """Nivo Flow 4: INR transfers from a seeded user's wallet (a fresh funded user once they are all
    taken, or on an empty database) to the demo wallets and other load users' wallets."""

    weight = 3

    def sign_up(self) -> None:
        pools.DEMO.get(self.client)
        self.account = self.seeded_sender() or nivo_funded_user(self.client, "nivo")
        pools.NIVO_WALLETS.add(self.account.wallet_id)

    def seeded_sender(self) -> NivoAccount | None:
        """A seeded user with a funded, active INR Nivo wallet, logged in once; None when none is left."""
        while (email := pools.claim_seeded_nivo_sender(self.client)) is not None:
            token = nivo_login(self.client, email, DEMO_PASSWORD)
            wallet = nivo_inr_wallet(self.client, token) if token else None
            if token and wallet:
                return NivoAccount(email, token, wallet)
        return None

    @tag("ledger", "nivo")
    @task
    def transfer(self) -> None:
        target = pools.NIVO_WALLETS.pick(exclude=self.account.wallet_id)
        if target is None:
            return
        body = {
            "from_wallet_id": self.account.wallet_id,
            "to_wallet_id": target,
            "amount": f"{random.randint(1, 100)}.00",
            "currency": "INR",
            "description": "load test",
        }
        headers = {**bearer(self.account.token), "Idempotency-Key": uuid.uuid4().hex}
        self.money(
            "POST", "/api/v1/transaction/transactions/transfer", "nivo transfer", (201,), json=body, headers=headers
        )


class TWalletSendUser(SandboxUser):
    """T-Wallet send-to-profile (INR) to the demo profiles and other load users' profiles."""

    weight = 2

    def sign_up(self) -> None:
        pools.DEMO.get(self.client)
        account = nivo_funded_user(self.client, "twallet")
        self.headers = {"X-Authorization": account.token}
        profile = expect(self.client.get("/profile/", headers=self.headers, name="setup: twallet profile"), 200)
        self.profile_id, self.account_id = profile["profile_id"], profile["account_id"]
        pools.TWALLET_PROFILES.add(self.profile_id)

    @tag("ledger", "twallet")
    @task
    def send(self) -> None:
        target = pools.TWALLET_PROFILES.pick(exclude=self.profile_id)
        if target is None:
            return
        body = {
            "from_account_id": self.account_id,
            "to_profile_id": target,
            "asset_key": "INR",
            "amount": f"{random.randint(1, 100)}.00",
            "meta_data": {"notes": "load test"},
        }
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/profile/send-to-profile", json=body, headers=headers, name="twallet send-to-profile", catch_response=True
        ) as resp:
            # The guide answers HTTP 200 for an underfunded send too, with code 601 in the body.
            if resp.status_code != 200 or resp.json().get("code") != 200:
                resp.failure(f"{resp.status_code}: {(resp.text or '')[:200]}")


class TribblePaymentUser(SandboxUser):
    """Tribble wallet payments to an approved merchant; card fundings of the wallet where there is none."""

    weight = 2

    def sign_up(self) -> None:
        self.merchant_id = pools.TRIBBLE_MERCHANT.get(self.client)
        email, self.uuid, token = tribble_register(self.client, "tribble")
        approve_kyc(self.client, email, tier=3)  # tier limits: a tier-0 user may not pay
        self.headers = bearer(token)
        wallets = expect(
            self.client.get(
                "/api/v1/wallets", params={"currency": "USD"}, headers=self.headers, name="setup: tribble wallets"
            ),
            200,
        )["wallets"]
        if not wallets:
            raise SetupFailed("the new Tribble user has no USD wallet")
        self.wallet_id = wallets[0]["walletId"]
        card = {
            "type": "card",
            "cardNumber": CARD,
            "cardholderName": "Load Test",
            "expiryMonth": 12,
            "expiryYear": 2035,
            "cvv": "123",
            "isDefault": True,
        }
        resp = self.client.post("/api/v1/payment-methods", json=card, headers=self.headers, name="setup: tribble card")
        self.card_id = expect(resp, 201)["paymentMethodId"]
        self.fund(TOP_UP, "setup: tribble fund wallet")

    def fund(self, amount: str, name: str) -> None:
        self.topped_up_at = time.monotonic()
        body = {"walletId": self.wallet_id, "amount": float(amount), "paymentMethodId": self.card_id}
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        self.money("POST", "/api/v1/wallets/fund", name, (201,), json=body, headers=headers)

    @tag("ledger", "tribble")
    @task
    def pay(self) -> None:
        if self.merchant_id is None:  # no admin to approve a merchant (empty database): fund instead
            self.fund(f"{random.randint(1, 50)}.00", "tribble fund wallet")
            return
        body = {
            "amount": float(random.randint(1, 5)),
            "currency": "USD",
            "customerId": self.uuid,
            "merchantId": self.merchant_id,
            "paymentMethodId": "wallet",
            "description": "load test order",
        }
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        # 402: the wallet is empty (the card funding settles ~2 s after it is made): an expected answer,
        # on which the user tops the wallet up from its card again.
        resp = self.money("POST", "/api/v1/transactions", "tribble payment", (201, 402), json=body, headers=headers)
        if resp.status_code == 402 and time.monotonic() - self.topped_up_at > TOP_UP_EVERY:
            self.fund(TOP_UP, "tribble fund wallet")


class DropQrPaymentUser(SandboxUser):
    """Drop QR payments from the user's linked bank account (50,000.00 NOK at sign-up) to a merchant."""

    weight = 2

    def sign_up(self) -> None:
        self.merchant_id = pools.DROP_MERCHANT.get(self.client)
        _, token = drop_register(self.client, "drop")
        self.headers = bearer(token)

    @tag("ledger", "drop")
    @task
    def qr_payment(self) -> None:
        body = {"merchantId": self.merchant_id, "amount": float(random.randint(1, 20))}
        headers = {**self.headers, "X-Request-ID": uuid.uuid4().hex}
        self.money("POST", "/api/transactions/qr-payment", "drop qr-payment", (201,), json=body, headers=headers)


class ReadHeavyUser(SandboxUser):
    """Balances, statements and histories of a demo user (or a fresh funded one on an empty database)."""

    weight = 3

    def sign_up(self) -> None:
        demo = pools.DEMO.get(self.client) or []
        if demo:
            chosen = random.choice(demo)
            self.token, self.wallet_id = chosen.token, chosen.nivo_wallet
            self.account_number = chosen.twallet_account
        else:
            account = nivo_funded_user(self.client, "reader")
            self.token, self.wallet_id = account.token, account.wallet_id
            profile = expect(
                self.client.get("/profile/", headers={"X-Authorization": account.token}, name="setup: twallet profile"),
                200,
            )
            self.account_number = profile["account_id"]
        self.headers = bearer(self.token)
        self.twallet_headers = {"X-Authorization": self.token}

    def read(self, path: str, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", self.headers)
        self.money("GET", path, name, (200,), **kwargs)

    @tag("read", "nivo")
    @task(4)
    def nivo_balance(self) -> None:
        if self.wallet_id:
            self.read(f"/api/v1/wallet/wallets/{self.wallet_id}/balance", "nivo balance")

    @tag("read", "nivo")
    @task(2)
    def nivo_wallets(self) -> None:
        self.read("/api/v1/wallet/wallets", "nivo wallets")

    @tag("read", "nivo")
    @task(1)
    def nivo_statement(self) -> None:
        if self.wallet_id:
            self.read(f"/api/v1/transaction/wallets/{self.wallet_id}/statements/csv", "nivo statement csv")

    @tag("read", "twallet")
    @task(3)
    def twallet_balances(self) -> None:
        if self.account_number:
            self.read(f"/profile/account/{self.account_number}", "twallet account", headers=self.twallet_headers)

    @tag("read", "twallet")
    @task(2)
    def twallet_history(self) -> None:
        params = {"limit": 20}
        self.read(
            "/profile/payment_transaction", "twallet payment_transaction", params=params, headers=self.twallet_headers
        )

    @tag("read", "tribble")
    @task(3)
    def tribble_wallets(self) -> None:
        self.read("/api/v1/wallets", "tribble wallets")

    @tag("read", "tribble")
    @task(2)
    def tribble_transactions(self) -> None:
        self.read("/api/v1/transactions", "tribble transactions", params={"limit": 20})

    @tag("read", "drop")
    @task(2)
    def drop_transactions(self) -> None:
        self.read("/api/transactions", "drop transactions", params={"limit": 20})
