"""Every Nivo route of the contract inventory is served (it appears in the OpenAPI schema); rate limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient, RequestFactory

from app.platforms.nivo.errors import CODE_STATUS, error_response
from tests.contract.nivo.conftest import PASSWORD, Nivo
from tests.support.contracts import inventory_path

# The Nivo rows of shared/contracts/inventory.json ("(service of your choice)/beneficiaries" is served by the
# wallet service, as in Nivo's own code).
NIVO_ROUTES = [
    ("POST", "/api/v1/identity/auth/register"),
    ("POST", "/api/v1/identity/auth/login"),
    ("POST", "/api/v1/wallet/wallets"),
    ("GET", "/api/v1/wallet/wallets"),
    ("GET", "/api/v1/wallet/wallets/{wallet_id}"),
    ("POST", "/api/v1/wallet/wallets/{wallet_id}/activate"),
    ("GET", "/api/v1/wallet/wallets/{wallet_id}/balance"),
    ("POST", "/api/v1/transaction/transactions/deposit"),
    ("POST", "/api/v1/transaction/transactions/transfer"),
    ("POST", "/api/v1/transaction/transactions/withdrawal"),
    ("POST", "/api/v1/identity/auth/password/change"),
    ("GET", "/api/v1/identity/verifications/pending"),
    ("POST", "/api/v1/identity/verifications/{verification_id}/verify"),
    ("POST", "(service of your choice)/beneficiaries"),
    ("POST", "/api/v1/wallet/wallets/{wallet_id}/deposit/upi"),
    ("POST", "/api/v1/wallet/wallets/{wallet_id}/cards"),
    ("GET", "/api/v1/wallet/wallets/{wallet_id}/cards"),
    ("GET", "/api/v1/wallet/cards/{card_id}"),
    ("POST", "/api/v1/wallet/cards/{card_id}/freeze"),
    ("POST", "/api/v1/wallet/cards/{card_id}/unfreeze"),
    ("PATCH", "/api/v1/wallet/cards/{card_id}/limits"),
    ("DELETE", "/api/v1/wallet/cards/{card_id}"),
    ("PATCH", "/api/v1/transaction/transactions/{id}/category"),
    ("GET", "/api/v1/transaction/wallets/{wallet_id}/spending-summary"),
    ("GET", "/api/v1/transaction/wallets/{wallet_id}/statements/csv"),
    ("GET", "/api/v1/transaction/wallets/{wallet_id}/statements/pdf"),
]
SERVED_AT = {"(service of your choice)/beneficiaries": "/api/v1/wallet/beneficiaries"}


def _inventory_file() -> Path | None:
    return inventory_path()


def test_route_list_matches_inventory() -> None:
    path = _inventory_file()
    if path is None:
        pytest.skip("inventory.json not available here; NIVO_ROUTES is its copy")
    rows = json.loads(path.read_text())["rest"]
    listed = [(r["method"], r["path"]) for r in rows if r["platform"] == "nivo"]
    assert sorted(listed) == sorted(NIVO_ROUTES)


async def test_every_nivo_route_is_in_the_openapi_schema(client: AsyncTestClient) -> None:
    resp = await client.get("/schema/openapi.json")
    assert resp.status_code == 200
    schema = resp.json()
    missing = []
    for method, path in NIVO_ROUTES:
        served = SERVED_AT.get(path, path)
        operation = schema["paths"].get(served, {}).get(method.lower())
        if operation is None:
            missing.append(f"{method} {served}")
            continue
        assert "200" in operation["responses"] or "201" in operation["responses"], (method, served)
    assert missing == []
    # Response models are named in the schema (msgspec structs), e.g. the balance envelope.
    balance = schema["paths"]["/api/v1/wallet/wallets/{wallet_id}/balance"]["get"]["responses"]["200"]
    assert "$ref" in json.dumps(balance)
    # Nivo's error envelope is documented with the table's statuses.
    transfer = schema["paths"]["/api/v1/transaction/transactions/transfer"]["post"]["responses"]
    assert {"201", "202", "400", "401", "403", "404", "410", "412", "429"} <= set(transfer)


async def test_rate_limit_exceeded(nivo: Nivo) -> None:
    user = await nivo.user()
    nivo.sandbox.clock.freeze()  # fixed windows: keep every request inside one window
    nivo.sandbox.ratelimits.enabled = True
    try:
        statuses = []
        for _ in range(21):
            resp = await nivo.call(
                "POST", "/api/v1/identity/auth/login", json={"email": user.email, "password": PASSWORD}
            )
            statuses.append(resp.status_code)
        assert statuses[:20] == [200] * 20
        assert statuses[20] == 429
        body = resp.json()
        assert body["success"] is False and body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert int(resp.headers["Retry-After"]) >= 1
        # Authenticated routes: 100 requests per minute per user.
        codes = [(await nivo.call("GET", "/api/v1/wallet/wallets", user)).status_code for _ in range(101)]
        assert codes[:100] == [200] * 100 and codes[100] == 429
        # The window passes on the sandbox clock.
        nivo.sandbox.clock.advance(61)
        assert (await nivo.call("GET", "/api/v1/wallet/wallets", user)).status_code == 200
    finally:
        nivo.sandbox.ratelimits.enabled = False


def test_unexpected_errors_render_internal_error_envelope() -> None:
    """No route raises a bare exception on purpose; the renderer still answers in Nivo's envelope."""
    request = RequestFactory().get("/api/v1/wallet/wallets")
    response = error_response(request, RuntimeError("boom"))
    assert response.status_code == 500
    assert response.content == {
        "success": False,
        "error": {"code": "INTERNAL_ERROR", "message": "Internal server error"},
    }


def test_code_table_statuses() -> None:
    assert CODE_STATUS == {
        "NOT_FOUND": 404,
        "BAD_REQUEST": 400,
        "VALIDATION_ERROR": 400,
        "UNAUTHORIZED": 401,
        "FORBIDDEN": 403,
        "CONFLICT": 409,
        "RATE_LIMIT_EXCEEDED": 429,
        "INSUFFICIENT_FUNDS": 412,
        "ACCOUNT_FROZEN": 412,
        "LIMIT_EXCEEDED": 412,
        "VERIFICATION_REQUIRED": 202,
        "VERIFICATION_EXPIRED": 410,
        "INVALID_OTP": 400,
        "INTERNAL_ERROR": 500,
    }
