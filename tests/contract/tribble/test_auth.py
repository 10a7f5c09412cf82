"""Authentication and users."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.contract.tribble.conftest import PASSWORD, assert_error, register, sandbox_of, settle_due


async def test_register_shape_and_wallets(client: AsyncTestClient) -> None:
    r = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "ada@example.com",
            "password": PASSWORD,
            "firstName": "Ada",
            "lastName": "Obi",
            "phoneNumber": "+234801234567",
            "dateOfBirth": "1990-01-15",
            "accountType": "individual",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"userId", "email", "kycStatus", "kycTier", "createdAt", "message"}
    assert body["kycStatus"] == "PENDING" and body["kycTier"] == 0
    assert r.headers["x-request-id"]
    user = await sandbox_of(client).identity.by_uuid(body["userId"])
    assert user is not None
    currencies = sorted(a.currency for a in await sandbox_of(client).ledger.accounts_of("user", user.id))
    assert currencies == ["NGN", "USD"]


async def test_register_errors(client: AsyncTestClient) -> None:
    base = {"email": "x@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B"}
    assert_error(await client.post("/api/v1/auth/register", json={**base, "email": "nope"}), 400, "INVALID_REQUEST")
    body = assert_error(
        await client.post("/api/v1/auth/register", json={**base, "password": "weak"}), 400, "INVALID_REQUEST"
    )
    assert body["details"]["field"] == "password"
    missing = {k: v for k, v in base.items() if k != "lastName"}
    assert_error(await client.post("/api/v1/auth/register", json=missing), 400, "INVALID_REQUEST")
    assert_error(
        await client.post("/api/v1/auth/register", json={**base, "phoneNumber": "0801-nope"}),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    assert (await client.post("/api/v1/auth/register", json=base)).status_code == 201
    assert_error(await client.post("/api/v1/auth/register", json={**base, "email": "X@example.com"}), 409, "CONFLICT")
    r = await client.post("/api/v1/auth/register", content=b"{not json", headers={"content-type": "application/json"})
    assert_error(r, 400, "INVALID_REQUEST")


async def test_login_refresh_logout(client: AsyncTestClient) -> None:
    user = await register(client)
    r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    body = r.json()
    assert body["expiresIn"] == 86400
    assert set(body["user"]) == {"userId", "email", "firstName", "kycStatus", "kycTier"}
    assert_error(
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": "Wrong123"}), 401, "UNAUTHORIZED"
    )
    assert_error(
        await client.post("/api/v1/auth/login", json={"email": "ghost@example.com", "password": "Wrong123"}),
        404,
        "NOT_FOUND",
    )
    await sandbox_of(client).identity.set_status(user.id, "suspended")
    assert_error(
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}), 403, "FORBIDDEN"
    )
    await sandbox_of(client).identity.set_status(user.id, "active")

    r = await client.post("/api/v1/auth/refresh-token", json={"refreshToken": user.refresh})
    assert r.status_code == 200, r.text
    assert r.json()["expiresIn"] == 86400
    new_token = r.json()["accessToken"]
    assert_error(await client.post("/api/v1/auth/refresh-token", json={"refreshToken": "garbage"}), 401, "UNAUTHORIZED")

    headers = {"Authorization": f"Bearer {new_token}"}
    assert (await client.get("/api/v1/users/profile", headers=headers)).status_code == 200
    r = await client.post("/api/v1/auth/logout", json={}, headers=headers)
    assert r.status_code == 200 and r.json() == {"message": "Logged out successfully"}
    assert_error(await client.get("/api/v1/users/profile", headers=headers), 401, "UNAUTHORIZED")
    assert_error(await client.get("/api/v1/users/profile"), 401, "UNAUTHORIZED")


async def test_kyc_submit_and_review(client: AsyncTestClient) -> None:
    user = await register(client)
    r = await client.get("/api/v1/auth/kyc-status", headers=user.headers)
    assert r.status_code == 200
    assert r.json()["kycStatus"] == "PENDING" and r.json()["documents"] == []
    assert r.json()["limits"]["transactionsPerDay"] == 5
    files = {"document": ("id.png", b"\x89PNG fake image bytes", "image/png")}
    data = {"documentType": "national_id", "ocr": '{"firstName": "John", "idNumber": "12345678901"}'}
    r = await client.post("/api/v1/auth/submit-kyc", files=files, data=data, headers=user.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "SUBMITTED" and body["documentsSubmitted"] == 1
    files2 = {"document": ("bill.pdf", b"%PDF-1.4 utility bill", "application/pdf")}
    r = await client.post(
        "/api/v1/auth/submit-kyc", files=files2, data={"documentType": "proof_of_address"}, headers=user.headers
    )
    assert r.json()["documentsSubmitted"] == 2
    stored = await sandbox_of(client).db.fetchone(
        "SELECT content FROM tribble_kyc_documents WHERE user_id = ? AND document_type = 'national_id'", (user.id,)
    )
    assert stored is not None and bytes(stored["content"]) == b"\x89PNG fake image bytes"
    r = await client.get("/api/v1/auth/kyc-status", headers=user.headers)
    assert r.json()["kycStatus"] == "SUBMITTED"
    assert [d["status"] for d in r.json()["documents"]] == ["PENDING_REVIEW", "PENDING_REVIEW"]

    await settle_due(client, 120)
    r = await client.get("/api/v1/auth/kyc-status", headers=user.headers)
    body = r.json()
    assert body["kycStatus"] == "APPROVED" and body["kycTier"] == 2
    assert all(d["status"] == "VERIFIED" for d in body["documents"])
    assert body["approvedAt"] and body["limits"]["dailyLimit"] == 500000

    bad = await client.post(
        "/api/v1/auth/submit-kyc", data={"documentType": "national_id"}, files={}, headers=user.headers
    )
    assert_error(bad, 400, "INVALID_REQUEST")
    r = await client.post(
        "/api/v1/auth/submit-kyc", files=files, data={"documentType": "tax_form"}, headers=user.headers
    )
    assert_error(r, 400, "INVALID_REQUEST")


async def test_profile_and_password(client: AsyncTestClient) -> None:
    user = await register(client)
    r = await client.get("/api/v1/users/profile", headers=user.headers)
    body = r.json()
    assert body["userId"] == user.uuid and body["accountStatus"] == "ACTIVE" and body["lastLogin"]
    r = await client.put(
        "/api/v1/users/profile", json={"firstName": "Jane", "phoneNumber": "+233201234567"}, headers=user.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "Profile updated successfully"
    assert (await client.get("/api/v1/users/profile", headers=user.headers)).json()["firstName"] == "Jane"
    assert_error(
        await client.put("/api/v1/users/profile", json={"phoneNumber": "12"}, headers=user.headers),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    assert_error(await client.put("/api/v1/users/profile", json={}, headers=user.headers), 400, "INVALID_REQUEST")

    r = await client.post(
        "/api/v1/users/change-password",
        json={"currentPassword": "Wrong123x", "newPassword": "NewPassword456!"},
        headers=user.headers,
    )
    assert_error(r, 401, "UNAUTHORIZED")
    r = await client.post(
        "/api/v1/users/change-password",
        json={"currentPassword": PASSWORD, "newPassword": "short"},
        headers=user.headers,
    )
    assert_error(r, 400, "INVALID_REQUEST")
    r = await client.post(
        "/api/v1/users/change-password",
        json={"currentPassword": PASSWORD, "newPassword": "NewPassword456!"},
        headers=user.headers,
    )
    assert r.status_code == 200 and r.json()["message"] == "Password changed successfully"
    assert_error(await client.get("/api/v1/users/profile", headers=user.headers), 401, "UNAUTHORIZED")
    r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "NewPassword456!"})
    assert r.status_code == 200


async def test_unknown_route_and_method(client: AsyncTestClient) -> None:
    assert_error(await client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    assert_error(await client.delete("/api/v1/auth/login"), 405, "METHOD_NOT_ALLOWED")


async def test_kyc_rejected_and_logout_variants(client: AsyncTestClient) -> None:
    user = await register(client)
    files = {"document": ("id.png", b"image", "image/png")}
    r = await client.post(
        "/api/v1/auth/submit-kyc",
        files=files,
        data={"documentType": "passport", "ocr[idNumber]": "00000000000"},
        headers=user.headers,
    )
    assert r.status_code == 200, r.text
    await settle_due(client, 120)
    body = (await client.get("/api/v1/auth/kyc-status", headers=user.headers)).json()
    assert body["kycStatus"] == "REJECTED" and body["kycTier"] == 0
    assert body["documents"][0]["status"] == "REJECTED"
    assert_error(
        await client.post("/api/v1/auth/submit-kyc", json={"documentType": "passport"}, headers=user.headers),
        400,
        "INVALID_REQUEST",
    )

    other = await register(client)
    r = await client.post("/api/v1/auth/logout", json={"tokenId": "not-mine"}, headers=user.headers)
    assert_error(r, 404, "NOT_FOUND")
    second = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    second_headers = {"Authorization": f"Bearer {second.json()['accessToken']}"}
    r = await client.post("/api/v1/auth/logout", json={"tokenId": "all"}, headers=user.headers)
    assert r.status_code == 200
    assert_error(await client.get("/api/v1/users/profile", headers=second_headers), 401, "UNAUTHORIZED")
    assert (await client.get("/api/v1/users/profile", headers=other.headers)).status_code == 200
