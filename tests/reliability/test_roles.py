"""Role checks: admin routes need the admin role, merchant routes the merchant role, the control API its token.

Roles cannot be claimed: registering with ``role``/``roles``/``accountType: admin`` in the body
grants nothing; only the identity service (``add_role``) makes an admin. A Nivo User-Admin portal
token reads only pending verifications, and a normal token cannot read them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.settings import Settings
from tests.reliability.drop_api import register
from tests.reliability.envelopes import assert_envelope, auth_headers
from tests.support.server import LiveServer, live_server

TRIBBLE_ADMIN = [
    ("GET", "/api/v1/admin/merchants/pending-kyc"),
    ("POST", "/api/v1/admin/merchants/mrc-unknown/approve"),
    ("POST", "/api/v1/admin/merchants/mrc-unknown/reject"),
    ("GET", "/api/v1/admin/fraud/analytics"),
]
DROP_MERCHANT = [
    ("GET", "/api/merchants/dashboard"),
    ("GET", "/api/merchants/qr"),
    ("GET", "/api/merchants/transactions"),
]


async def test_admin_routes_need_the_admin_role(http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, "roleuser", role="admin", roles=["admin"], accountType="admin", account_type="admin")
    tribble = await http.post(
        "/api/v1/auth/register",
        json={
            "email": "role.tribble@example.com",
            "password": "Str0ng!Passw0rd",
            "firstName": "Ana",
            "lastName": "Admin",
            "accountType": "admin",
            "role": "admin",
            "roles": ["admin"],
        },
    )
    assert tribble.status_code in (201, 400, 422), tribble.text
    tokens = [user.token]
    if tribble.status_code == 201:
        login = await http.post(
            "/api/v1/auth/login", json={"email": "role.tribble@example.com", "password": "Str0ng!Passw0rd"}
        )
        assert login.status_code == 200, login.text
        tokens.append(login.json().get("accessToken") or login.json()["data"]["accessToken"])
    schema = (await http.get("/schema/openapi.json")).json()["paths"]
    served = []
    for token in tokens:
        for method, path in TRIBBLE_ADMIN:
            template = path.replace("mrc-unknown", "{merchantId}")
            if method.lower() not in schema.get(template, {}):
                continue  # not served yet
            resp = await http.request(
                method, path, headers=auth_headers("tribble", token), json={"reason": "x"} if method == "POST" else None
            )
            served.append(path)
            assert resp.status_code == 403, (path, resp.status_code, resp.text)
            assert assert_envelope(resp, "tribble") == "FORBIDDEN"
    assert served
    # The identity service's admin role opens them.
    found = await live.sandbox.identity.by_email(user.email)
    assert found is not None
    await live.sandbox.identity.add_role(found.id, "admin")
    resp = await http.get("/api/v1/admin/merchants/pending-kyc", headers=auth_headers("tribble", user.token))
    assert resp.status_code == 200, resp.text


async def test_merchant_routes_need_the_merchant_role(http: httpx.AsyncClient) -> None:
    user = await register(http, "rolemerchant")
    for method, path in DROP_MERCHANT:
        resp = await http.request(method, path, headers=user.auth)
        assert resp.status_code == 403 and assert_envelope(resp, "drop") == "forbidden", (path, resp.text)


async def test_nivo_user_admin_portal_is_separate(http: httpx.AsyncClient) -> None:
    user = await register(http, "roleportal")
    normal = await http.get("/api/v1/identity/verifications/pending", headers=auth_headers("nivo", user.token))
    assert normal.status_code == 403, normal.text
    assert_envelope(normal, "nivo")
    portal = await http.post(
        "/api/v1/identity/auth/login",
        json={"email": user.email, "password": "secret123", "account_type": "user_admin"},
    )
    assert portal.status_code == 200, portal.text
    portal_token = portal.json()["data"]["token"]
    assert (
        await http.get("/api/v1/identity/verifications/pending", headers=auth_headers("nivo", portal_token))
    ).status_code == 200
    wallets = await http.get("/api/v1/wallet/wallets", headers=auth_headers("nivo", portal_token))
    assert wallets.status_code == 403 and assert_envelope(wallets, "nivo")


@pytest.fixture
def guarded(settings: Settings) -> Iterator[LiveServer]:
    with live_server(settings.replace(control_token="control-s3cret")) as server:
        yield server


@pytest.fixture
async def guarded_http(guarded: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=guarded.base_url, timeout=30) as client:
        yield client


async def test_control_api_needs_its_token(guarded_http: httpx.AsyncClient) -> None:
    user = await register(guarded_http, "roleguard")
    for headers in ({}, {"Authorization": f"Bearer {user.token}"}, {"X-Sandbox-Token": "wrong"}):
        for method, path in (("GET", "/_sandbox/clock"), ("POST", "/_sandbox/tokens"), ("GET", "/_sandbox/users")):
            resp = await guarded_http.request(method, path, headers=headers, json={"email": user.email})
            assert resp.status_code == 401, (path, headers, resp.text)
    ok = await guarded_http.get("/_sandbox/clock", headers={"X-Sandbox-Token": "control-s3cret"})
    assert ok.status_code == 200
