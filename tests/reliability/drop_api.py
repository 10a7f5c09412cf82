"""Drop calls over real HTTP (httpx) used by the reliability tests: users, merchants, QR payments."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "secret123"
_n = itertools.count(1)


@dataclass
class DropUser:
    email: str
    token: str
    data: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def person(tag: str = "") -> dict[str, Any]:
    n = next(_n)
    unique = uuid.uuid4().hex[:8]
    return {
        "email": f"rel{tag}{n}.{unique}@example.com",
        "password": PASSWORD,
        "firstName": "Ana",
        "lastName": f"Hodzic{n}",
        "dateOfBirth": "1990-04-12",
    }


async def register(http: httpx.AsyncClient, tag: str = "", **overrides: Any) -> DropUser:
    body = {**person(tag), **overrides}
    resp = await http.post("/api/auth/register", json=body)
    assert resp.status_code == 201, resp.text
    token = resp.cookies.get("drop_token")
    assert token, resp.headers
    http.cookies.clear()  # every user authenticates with its own Bearer token
    return DropUser(body["email"], token, resp.json()["data"])


async def register_merchant(http: httpx.AsyncClient, owner: DropUser) -> str:
    org = f"{uuid.uuid4().int % 10**9:09d}"
    resp = await http.post(
        "/api/merchants/register",
        headers=owner.auth,
        json={"businessName": "Kebab Shop", "orgNumber": org, "bankAccount": "1503.10.00012", "address": "Storgata 1"},
    )
    assert resp.status_code == 201, resp.text
    merchant_id: str = resp.json()["data"]["id"]
    # The role is in the token: log in again to carry role=merchant.
    login = await http.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    owner.token = login.cookies.get("drop_token") or owner.token
    http.cookies.clear()
    return merchant_id


async def qr_pay(
    http: httpx.AsyncClient, payer: DropUser, merchant_id: str, amount: float, request_id: str | None = None
) -> httpx.Response:
    headers = dict(payer.auth)
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return await http.post(
        "/api/transactions/qr-payment", headers=headers, json={"merchantId": merchant_id, "amount": amount}
    )
