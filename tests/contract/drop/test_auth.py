"""Drop auth: register, login (cookie), logout (all sessions), refresh, me."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from app.runtime import Sandbox
from tests.contract.drop.conftest import PASSWORD, SessionFactory, browser, person


async def test_register_sets_cookie_and_links_a_bank_account(new_session: SessionFactory) -> None:
    s = await new_session()
    assert s.user["id"].startswith("usr_") and len(s.user["id"]) == 20
    assert s.user["kycStatus"] == "pending" and s.user["dateOfBirth"] == "1990-04-12"
    assert set(s.user) == {"id", "email", "firstName", "lastName", "dateOfBirth", "kycStatus", "createdAt"}
    assert "drop_token" in s.http.cookies
    me = await s.http.get("/api/auth/me")
    assert me.status_code == 200, me.text
    data = me.json()["data"]
    assert data["id"] == s.user["id"]
    assert len(data["bankAccounts"]) == 1
    account = data["bankAccounts"][0]
    assert account["isPrimary"] is True and account["currency"] == "NOK" and account["balance"] == 50000.0
    assert account["bankName"] in {"DNB", "Nordea", "SpareBank 1", "Handelsbanken", "Sbanken"}
    assert data["totalBalance"] == 50000.0


async def test_cookie_is_http_only(app_client: AsyncTestClient) -> None:
    resp = await app_client.post("/api/auth/register", json=person())
    assert resp.status_code == 201
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith("drop_token=") and "HttpOnly" in cookie and "Max-Age=86400" in cookie


async def test_register_validation_lists_every_field(app_client: AsyncTestClient) -> None:
    body = {
        "email": "nope",
        "password": "short",
        "firstName": "<script>x</script>",
        "lastName": "1234",
        "dateOfBirth": "2015-01-01",
        "phone": "12345",
    }
    resp = await app_client.post("/api/auth/register", json=body)
    assert resp.status_code == 422
    err = resp.json()
    assert err["error"] == "validation_error"
    fields = {d["field"] for d in err["details"]}
    assert fields == {"email", "password", "firstName", "lastName", "dateOfBirth", "phone"}


async def test_register_missing_fields_and_bad_json(app_client: AsyncTestClient) -> None:
    resp = await app_client.post("/api/auth/register", json={"email": "a@b.co"})
    assert resp.status_code == 422
    assert {"password", "firstName", "lastName", "dateOfBirth"} <= {d["field"] for d in resp.json()["details"]}
    bad = await app_client.post(
        "/api/auth/register", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json() == {
        "error": "bad_request",
        "message": "Invalid JSON body",
        "details": [],
    }
    arr = await app_client.post("/api/auth/register", json=[1, 2])
    assert arr.status_code == 400 and arr.json()["error"] == "bad_request"


async def test_register_age_boundary_uses_sandbox_clock(app_client: AsyncTestClient, sandbox_of: Sandbox) -> None:
    today = sandbox_of.clock.now().date()
    try:
        eighteen = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        eighteen = today.replace(year=today.year - 18, day=28)
    ok = await app_client.post("/api/auth/register", json=person(dateOfBirth=eighteen.isoformat()))
    assert ok.status_code == 201, ok.text
    younger = eighteen.replace(day=eighteen.day + 1) if eighteen.day < 28 else eighteen.replace(month=12, day=31)
    if younger > eighteen:
        resp = await app_client.post("/api/auth/register", json=person(dateOfBirth=younger.isoformat()))
        assert resp.status_code == 422


async def test_duplicate_email_is_409(app_client: AsyncTestClient) -> None:
    body = person()
    assert (await app_client.post("/api/auth/register", json=body)).status_code == 201
    again = await app_client.post("/api/auth/register", json={**body, "email": body["email"].upper(), "phone": None})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict" and again.json()["message"] == "Email already registered"


async def test_login_logout_and_all_sessions_revoked(new_session: SessionFactory, app_client: AsyncTestClient) -> None:
    s = await new_session()
    other = browser(app_client)
    try:
        bad = await other.post("/api/auth/login", json={"email": s.email, "password": "wrong-pass1"})
        assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"
        missing = await other.post("/api/auth/login", json={"email": s.email})
        assert missing.status_code == 400 and missing.json()["error"] == "bad_request"
        login = await other.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        assert login.json() == {
            "data": {
                "id": s.user["id"],
                "email": s.email,
                "firstName": "Jasmina",
                "lastName": s.user["lastName"],
                "kycStatus": "pending",
            }
        }
        assert (await other.get("/api/auth/me")).status_code == 200
        # Logging out in one session revokes every session of the user.
        out = await s.http.post("/api/auth/logout")
        assert out.status_code == 200 and out.json() == {"message": "Logged out"}
        assert "drop_token" not in s.http.cookies
        assert (await other.get("/api/auth/me")).status_code == 401
    finally:
        await other.aclose()


async def test_bearer_header_is_accepted(new_session: SessionFactory, app_client: AsyncTestClient) -> None:
    s = await new_session()
    token = s.http.cookies["drop_token"]
    plain = browser(app_client)
    try:
        resp = await plain.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200
        assert (await plain.get("/api/auth/me")).status_code == 401
        forged = await plain.get("/api/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
        assert forged.status_code == 401 and forged.json()["error"] == "unauthorized"
    finally:
        await plain.aclose()


async def test_refresh_issues_a_new_cookie(new_session: SessionFactory) -> None:
    s = await new_session()
    before = s.http.cookies["drop_token"]
    resp = await s.http.post("/api/auth/refresh")
    assert resp.status_code == 200
    assert resp.json() == {"data": {"userId": s.user["id"], "email": s.email, "role": "user"}}
    assert s.http.cookies["drop_token"] != before
    assert (await s.http.get("/api/auth/me")).status_code == 200


async def test_token_expires_after_24h_on_the_sandbox_clock(new_session: SessionFactory) -> None:
    s = await new_session()
    s.sandbox.clock.advance(24 * 3600 + 1)
    resp = await s.http.get("/api/auth/me")
    assert resp.status_code == 401 and resp.json()["error"] == "unauthorized"


async def test_unauthenticated_routes_answer_401_in_drop_envelope(app_client: AsyncTestClient) -> None:
    for method, path in [
        ("GET", "/api/auth/me"),
        ("GET", "/api/transactions"),
        ("POST", "/api/transactions/remittance"),
        ("GET", "/api/recipients"),
        ("GET", "/api/settings"),
        ("GET", "/api/consents"),
        ("GET", "/api/complaints"),
        ("GET", "/api/user/data-export"),
    ]:
        resp = await app_client.request(method, path)
        assert resp.status_code == 401, (path, resp.text)
        assert resp.json() == {"error": "unauthorized", "message": "Authentication required", "details": []}
