"""Flow 1: registration and login; the envelope, X-Request-ID and authentication errors."""

from __future__ import annotations

import pytest

from tests.contract.nivo.conftest import PASSWORD, Nivo, next_phone

REGISTER = "/api/v1/identity/auth/register"
LOGIN = "/api/v1/identity/auth/login"


async def test_register_creates_pending_user_and_kyc(nivo: Nivo) -> None:
    phone = next_phone()
    resp = await nivo.call(
        "POST",
        REGISTER,
        json={"email": "user@example.com", "password": PASSWORD, "full_name": "John Doe", "phone": phone},
    )
    assert resp.status_code == 201
    data = resp.json()["data"]
    assert set(data) == {"id", "email", "phone", "full_name", "status", "created_at", "kyc"}
    assert data["email"] == "user@example.com"
    assert data["phone"] == phone
    assert data["full_name"] == "John Doe"
    assert data["status"] == "pending"
    assert data["kyc"] == {"status": "pending"}
    assert data["created_at"].endswith("Z")
    assert len(data["id"]) == 36 and data["id"].count("-") == 4


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("email", "not-an-email", "email"),
        ("email", "a@b", "email"),
        ("phone", "9876543210", "+91"),
        ("phone", "+4479460000000", "+91"),
        ("phone", "+91987654321", "+91"),
        ("password", "short", "password"),
        ("full_name", " ", "full_name"),
    ],
)
async def test_register_validation(nivo: Nivo, field: str, value: str, needle: str) -> None:
    body = {"email": "valid@example.com", "password": PASSWORD, "full_name": "John Doe", "phone": next_phone()}
    body[field] = value
    message = await nivo.error("POST", REGISTER, None, body, 400, "VALIDATION_ERROR")
    assert needle in message


async def test_register_missing_field_and_bad_json(nivo: Nivo) -> None:
    await nivo.error("POST", REGISTER, None, {"email": "x@example.com"}, 400, "VALIDATION_ERROR")
    resp = await nivo.call("POST", REGISTER, content=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["success"] is False
    assert resp.json()["error"]["code"] in ("BAD_REQUEST", "VALIDATION_ERROR")


async def test_duplicate_email_and_phone_conflict(nivo: Nivo) -> None:
    user = await nivo.user()
    body = {"email": user.email.upper(), "password": PASSWORD, "full_name": "Other Person", "phone": next_phone()}
    await nivo.error("POST", REGISTER, None, body, 409, "CONFLICT")
    body = {"email": "fresh@example.com", "password": PASSWORD, "full_name": "Other Person", "phone": user.phone}
    await nivo.error("POST", REGISTER, None, body, 409, "CONFLICT")


async def test_login_returns_token_expiry_and_user(nivo: Nivo) -> None:
    user = await nivo.user("Meera Iyer")
    now = nivo.sandbox.clock.time()
    data = await nivo.ok("POST", LOGIN, json={"email": user.email, "password": PASSWORD})
    assert isinstance(data["token"], str) and data["token"].count(".") == 2
    assert isinstance(data["expires_at"], int) and data["expires_at"] > now
    assert data["user"]["id"] == user.id
    assert data["user"]["email"] == user.email
    assert data["user"]["status"] == "pending"
    # The token works on the other services.
    await nivo.ok("GET", "/api/v1/wallet/wallets", user)


async def test_login_failures(nivo: Nivo) -> None:
    user = await nivo.user()
    await nivo.error("POST", LOGIN, None, {"email": user.email, "password": "WrongPass999"}, 401, "UNAUTHORIZED")
    await nivo.error("POST", LOGIN, None, {"email": "nobody@example.com", "password": PASSWORD}, 401, "UNAUTHORIZED")
    await nivo.error(
        "POST",
        LOGIN,
        None,
        {"email": user.email, "password": PASSWORD, "account_type": "root"},
        400,
        "VALIDATION_ERROR",
    )


async def test_missing_or_bad_token_is_unauthorized(nivo: Nivo) -> None:
    await nivo.error("GET", "/api/v1/wallet/wallets", None, None, 401, "UNAUTHORIZED")
    resp = await nivo.call("GET", "/api/v1/wallet/wallets", headers={"Authorization": "Bearer nope.nope.nope"})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "UNAUTHORIZED"
    resp = await nivo.call("POST", "/api/v1/transaction/transactions/deposit", json={}, headers={"Authorization": "x"})
    assert resp.status_code == 401


async def test_expired_token_is_unauthorized(nivo: Nivo) -> None:
    user = await nivo.user()
    nivo.sandbox.clock.advance(25 * 3600)
    await nivo.error("GET", "/api/v1/wallet/wallets", user, None, 401, "UNAUTHORIZED")


async def test_request_id_echoed_on_success_and_error(nivo: Nivo) -> None:
    resp = await nivo.call("GET", "/api/v1/wallet/wallets", headers={"X-Request-ID": "req-nivo-123"})
    assert resp.status_code == 401
    assert resp.headers["X-Request-ID"] == "req-nivo-123"
    user = await nivo.user()
    resp = await nivo.call("GET", "/api/v1/wallet/wallets", user, headers={"X-Request-ID": "req-nivo-456"})
    assert resp.status_code == 200
    assert resp.headers["X-Request-ID"] == "req-nivo-456"
    resp = await nivo.call("GET", "/api/v1/wallet/wallets", user)
    assert resp.headers["X-Request-ID"]


async def test_unknown_route_and_wrong_method_use_nivo_envelope(nivo: Nivo) -> None:
    user = await nivo.user()
    await nivo.error("GET", "/api/v1/wallet/nothing-here", user, None, 404, "NOT_FOUND")
    await nivo.error("GET", "/api/v1/identity/auth/nothing", None, None, 404, "NOT_FOUND")
    resp = await nivo.call("PUT", "/api/v1/identity/auth/login", json={})
    assert resp.status_code == 405
    assert resp.json()["success"] is False
    assert resp.json()["error"]["code"] == "BAD_REQUEST"


async def test_other_platform_paths_are_not_nivo(nivo: Nivo) -> None:
    """/api/v1/wallets (Tribble's resource) is not under Nivo's /api/v1/wallet prefix."""
    resp = await nivo.call("GET", "/api/v1/walletsx")
    assert resp.status_code == 404
    assert "success" not in resp.json()


async def test_user_registered_elsewhere_logs_in_to_nivo(nivo: Nivo) -> None:
    """One identity: a user created through another platform (no phone) uses Nivo with the same password."""
    await nivo.sandbox.identity.register("elsewhere@example.com", PASSWORD, first_name="Ana", last_name="Hodzic")
    data = await nivo.ok("POST", LOGIN, json={"email": "elsewhere@example.com", "password": PASSWORD})
    assert data["user"]["full_name"] == "Ana Hodzic" and data["user"]["status"] == "active"
    headers = {"Authorization": f"Bearer {data['token']}"}
    resp = await nivo.call("POST", "/api/v1/wallet/wallets", json={"currency": "EUR"}, headers=headers)
    assert resp.status_code == 201 and resp.json()["data"]["currency"] == "EUR"
