"""Every REST money route, ready to call: a valid request whose amount, currency and headers a test varies.

Each builder in ``ALL_ROUTES`` registers and funds what its route needs over HTTP and returns a
``MoneyRoute``; ``call(amount, currency=None, headers=None)`` sends the request with that amount
(``currency`` None keeps the valid one). Cashier's money
messages are WebSocket frames (``tests/reliability/cashier_ws.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.reliability.cashier_ws import funded_user
from tests.reliability.drop_api import register, register_merchant
from tests.reliability.envelopes import auth_headers
from tests.support.server import LiveServer


@dataclass
class MoneyRoute:
    platform: str
    method: str
    path: str
    token: str
    body: Callable[[Any, Any], dict[str, Any]]
    valid_amount: Any
    currency: str
    http: httpx.AsyncClient
    key_header: str = "Idempotency-Key"
    # False when the documented body has no currency (the wallet's currency applies).
    takes_currency: bool = True
    extra_headers: dict[str, str] = field(default_factory=dict)

    async def call(self, amount: Any, currency: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
        body = self.body(amount, self.currency if currency is None else currency)
        return await self.http.request(
            self.method,
            self.path,
            json=body,
            headers={**auth_headers(self.platform, self.token), **self.extra_headers, **(headers or {})},
        )


async def _drop(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    sender = await register(http, "moneysender")
    kyc = await http.post(f"/_sandbox/users/{sender.email}/kyc", json={"status": "approved", "tier": 2})
    assert kyc.status_code == 200, kyc.text
    recipient = await http.post(
        "/api/recipients",
        headers=sender.auth,
        json={"name": "Mama", "country": "RS", "currency": "RSD", "bankAccount": "RS35105008123123123173"},
    )
    assert recipient.status_code == 201, recipient.text
    recipient_id = recipient.json()["data"]["id"]
    return MoneyRoute(
        "drop",
        "POST",
        "/api/transactions/remittance",
        sender.token,
        lambda amount, currency: {"recipientId": recipient_id, "amount": amount, "currency": currency},
        1000.5,
        "NOK",
        http,
        key_header="X-Request-ID",
    )


async def _nivo(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    uid, token = await funded_user(live, f"nivo.money.{uuid.uuid4().hex[:8]}@example.com", "INR", 0)
    headers = auth_headers("nivo", token)
    created = await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=headers)
    assert created.status_code == 201, created.text
    wallet_id = created.json()["data"]["id"]
    activated = await http.post(f"/api/v1/wallet/wallets/{wallet_id}/activate", headers=headers)
    assert activated.status_code in (200, 201), activated.text
    return MoneyRoute(
        "nivo",
        "POST",
        "/api/v1/transaction/transactions/deposit",
        token,
        lambda amount, currency: {"wallet_id": wallet_id, "amount": amount, "currency": currency},
        "100.50",
        "INR",
        http,
    )


async def _tribble(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    _, token = await funded_user(live, f"tribble.money.{uuid.uuid4().hex[:8]}@example.com", "USD", 0)
    headers = auth_headers("tribble", token)
    wallets = await http.get("/api/v1/wallets", headers=headers)
    assert wallets.status_code == 200, wallets.text
    body = wallets.json()
    items = body.get("wallets") or body.get("data") or body
    wallet_id = items[0].get("walletId") or items[0].get("id")
    method = await http.post(
        "/api/v1/payment-methods",
        headers=headers,
        json={
            "type": "card",
            "cardNumber": "4242424242424242",
            "cardholderName": "Ana Hodzic",
            "expiryMonth": 12,
            "expiryYear": 2031,
            "cvv": "123",
        },
    )
    assert method.status_code == 201, method.text
    pm = method.json().get("paymentMethodId") or method.json()["data"]["paymentMethodId"]
    return MoneyRoute(
        "tribble",
        "POST",
        "/api/v1/wallets/fund",
        token,
        lambda amount, currency: {
            "walletId": wallet_id,
            "amount": amount,
            "paymentMethodId": pm,
        },
        25.5,
        "USD",
        http,
        takes_currency=False,
    )


async def _twallet(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    sender_id, token = await funded_user(live, f"tw.sender.{uuid.uuid4().hex[:8]}@example.com", "USD", 100_000)
    receiver_id, _ = await funded_user(live, f"tw.receiver.{uuid.uuid4().hex[:8]}@example.com", "USD", 0)
    receiver = await live.sandbox.identity.get_user(receiver_id)
    sender = await live.sandbox.identity.get_user(sender_id)
    assert receiver is not None and sender is not None
    return MoneyRoute(
        "twallet",
        "POST",
        "/profile/send-to-profile",
        token,
        lambda amount, currency: {
            "from_account_id": sender.twallet_account_id,
            "to_profile_id": receiver.profile_id,
            "asset_key": currency,
            "amount": amount,
        },
        15,
        "USD",
        http,
    )


async def _drop_qr(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    owner = await register(http, "qrowner")
    merchant = await register_merchant(http, owner)
    payer = await register(http, "qrpayer")
    return MoneyRoute(
        "drop",
        "POST",
        "/api/transactions/qr-payment",
        payer.token,
        lambda amount, currency: {"merchantId": merchant, "amount": amount},
        12.5,
        "NOK",
        http,
        key_header="X-Request-ID",
        takes_currency=False,
    )


async def _nivo_wallet(http: httpx.AsyncClient, token: str, deposit: str | None = None) -> str:
    headers = auth_headers("nivo", token)
    created = await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=headers)
    assert created.status_code == 201, created.text
    wallet_id: str = created.json()["data"]["id"]
    activated = await http.post(f"/api/v1/wallet/wallets/{wallet_id}/activate", headers=headers)
    assert activated.status_code in (200, 201), activated.text
    if deposit:
        resp = await http.post(
            "/api/v1/transaction/transactions/deposit",
            json={"wallet_id": wallet_id, "amount": deposit},
            headers=headers,
        )
        assert resp.status_code == 201, resp.text
    return wallet_id


async def _nivo_withdrawal(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    _, token = await funded_user(live, f"nivo.wd.{uuid.uuid4().hex[:8]}@example.com", "INR", 0)
    wallet_id = await _nivo_wallet(http, token, deposit="10000.00")
    return MoneyRoute(
        "nivo",
        "POST",
        "/api/v1/transaction/transactions/withdrawal",
        token,
        lambda amount, currency: {"wallet_id": wallet_id, "amount": amount, "currency": currency},
        "100.25",
        "INR",
        http,
    )


async def _nivo_transfer(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    _, token = await funded_user(live, f"nivo.tf.{uuid.uuid4().hex[:8]}@example.com", "INR", 0)
    _, other = await funded_user(live, f"nivo.tf.to.{uuid.uuid4().hex[:8]}@example.com", "INR", 0)
    source = await _nivo_wallet(http, token, deposit="10000.00")
    target = await _nivo_wallet(http, other)
    return MoneyRoute(
        "nivo",
        "POST",
        "/api/v1/transaction/transactions/transfer",
        token,
        lambda amount, currency: {
            "from_wallet_id": source,
            "to_wallet_id": target,
            "amount": amount,
            "currency": currency,
        },
        "75.50",
        "INR",
        http,
    )


async def _tribble_payment(http: httpx.AsyncClient, live: LiveServer) -> MoneyRoute:
    suffix = uuid.uuid4().hex[:8]
    owner_id, owner = await funded_user(live, f"trib.owner.{suffix}@example.com", "USD", 0)
    admin_id, admin = await funded_user(live, f"trib.admin.{suffix}@example.com", "USD", 0)
    await live.sandbox.identity.add_role(admin_id, "admin")
    payer_id, payer = await funded_user(live, f"trib.payer.{suffix}@example.com", "USD", 100_000)
    await live.sandbox.identity.set_kyc(payer_id, "approved", 3)  # tier 0 allows 5 payments a day
    registered = await http.post(
        "/api/v1/merchants/register",
        headers=auth_headers("tribble", owner),
        json={"businessName": "Rel Shop", "entityType": "limited_company", "taxId": f"TX-{suffix}"},
    )
    assert registered.status_code == 201, registered.text
    merchant = registered.json()["merchantId"]
    approved = await http.post(
        f"/api/v1/admin/merchants/{merchant}/approve", headers=auth_headers("tribble", admin), json={}
    )
    assert approved.status_code == 200, approved.text
    assert owner_id
    return MoneyRoute(
        "tribble",
        "POST",
        "/api/v1/transactions",
        payer,
        lambda amount, currency: {"merchantId": merchant, "amount": amount, "currency": currency},
        12.5,
        "USD",
        http,
    )


# Every money route with its builder (the idempotency test retries each one).
ALL_ROUTES: dict[str, Callable[[httpx.AsyncClient, LiveServer], Awaitable[MoneyRoute]]] = {
    "drop-remittance": _drop,
    "drop-qr-payment": _drop_qr,
    "nivo-deposit": _nivo,
    "nivo-withdrawal": _nivo_withdrawal,
    "nivo-transfer": _nivo_transfer,
    "tribble-fund": _tribble,
    "tribble-payment": _tribble_payment,
    "twallet-send": _twallet,
}
