"""Flow 6: User-Admin OTP verification of password change, beneficiaries and high-value transfers."""

from __future__ import annotations

from tests.contract.nivo.conftest import PASSWORD, Nivo, NivoUser

PASSWORD_CHANGE = "/api/v1/identity/auth/password/change"
PENDING = "/api/v1/identity/verifications/pending"
TRANSFER = "/api/v1/transaction/transactions/transfer"
BENEFICIARIES = "/api/v1/wallet/beneficiaries"


def verify_path(verification_id: str) -> str:
    return f"/api/v1/identity/verifications/{verification_id}/verify"


async def test_password_change_through_user_admin_portal(nivo: Nivo) -> None:
    user = await nivo.user()
    body = {"current_password": PASSWORD, "new_password": "NewSecurePass456"}
    started = await nivo.ok("POST", PASSWORD_CHANGE, user, body, status=202)
    assert started["verification_required"] is True
    assert started["verification_id"].startswith("ver_")
    assert started["message"] == "Please complete OTP verification via User-Admin portal"
    assert started["code"] == "VERIFICATION_REQUIRED"
    verification_id = started["verification_id"]

    portal = await nivo.portal(user)
    pending = await nivo.ok("GET", PENDING, portal)
    [item] = pending["verifications"]
    assert item["id"] == verification_id
    assert item["operation_type"] == "password_change"
    assert item["status"] == "pending"
    assert len(item["otp"]) == 6 and item["otp"].isdigit()
    assert item["expires_at"].endswith("Z") and item["created_at"].endswith("Z")

    wrong = "000000" if item["otp"] != "000000" else "111111"
    await nivo.error("POST", verify_path(verification_id), user, {"otp": wrong}, 400, "INVALID_OTP")
    await nivo.error("POST", verify_path(verification_id), user, {"otp": "12ab"}, 400, "INVALID_OTP")
    verified = await nivo.ok("POST", verify_path(verification_id), user, {"otp": item["otp"]})
    assert verified["verified"] is True
    token = verified["token"]["token"]
    await nivo.error("POST", verify_path(verification_id), user, {"otp": item["otp"]}, 409, "CONFLICT")

    done = await nivo.ok("POST", PASSWORD_CHANGE, user, {**body, "verification_token": token})
    assert done == {"message": "Password changed successfully"}
    # The new password works, the old one does not; the portal list is empty now.
    await nivo.error(
        "POST", "/api/v1/identity/auth/login", None, {"email": user.email, "password": PASSWORD}, 401, "UNAUTHORIZED"
    )
    login = await nivo.ok(
        "POST",
        "/api/v1/identity/auth/login",
        json={"email": user.email, "password": "NewSecurePass456", "account_type": "user_admin"},
    )
    fresh_portal = NivoUser(user.id, user.email, user.phone, login["token"])
    assert (await nivo.ok("GET", PENDING, fresh_portal))["verifications"] == []


async def test_verification_token_single_use_and_bound_to_operation(nivo: Nivo) -> None:
    user = await nivo.user()
    body = {"current_password": PASSWORD, "new_password": "NewSecurePass456"}
    started = await nivo.ok("POST", PASSWORD_CHANGE, user, body, status=202)
    token = await nivo.verify(user, started["verification_id"])
    # A password-change token cannot add a beneficiary.
    payee = await nivo.user("Payee Person")
    await nivo.error(
        "POST",
        BENEFICIARIES,
        user,
        {"phone": payee.phone, "nickname": "Payee", "verification_token": token},
        403,
        "FORBIDDEN",
    )
    await nivo.error("POST", PASSWORD_CHANGE, user, {**body, "verification_token": "made-up-token"}, 403, "FORBIDDEN")
    # Wrong current password: refused, the token stays usable.
    await nivo.error(
        "POST",
        PASSWORD_CHANGE,
        user,
        {"current_password": "WrongPass000", "new_password": "NewSecurePass456", "verification_token": token},
        400,
        "VALIDATION_ERROR",
    )
    await nivo.ok("POST", PASSWORD_CHANGE, user, {**body, "verification_token": token})


async def test_user_admin_token_scope(nivo: Nivo) -> None:
    user = await nivo.user()
    portal = await nivo.portal(user)
    await nivo.error("GET", "/api/v1/wallet/wallets", portal, None, 403, "FORBIDDEN")
    await nivo.error("POST", "/api/v1/wallet/wallets", portal, {"currency": "INR"}, 403, "FORBIDDEN")
    await nivo.error("POST", verify_path("ver_0000000000000000"), portal, {"otp": "123456"}, 403, "FORBIDDEN")
    # The app's own token cannot read the OTPs.
    await nivo.error("GET", PENDING, user, None, 403, "FORBIDDEN")
    await nivo.error("GET", PENDING, None, None, 401, "UNAUTHORIZED")
    await nivo.error("POST", verify_path("ver_0000000000000000"), user, {"otp": "123456"}, 404, "NOT_FOUND")


async def test_expired_verification_410(nivo: Nivo) -> None:
    user = await nivo.user()
    body = {"current_password": PASSWORD, "new_password": "NewSecurePass456"}
    started = await nivo.ok("POST", PASSWORD_CHANGE, user, body, status=202)
    otp = await nivo.pending_otp(user, started["verification_id"])
    nivo.sandbox.clock.advance(600)
    await nivo.error("POST", verify_path(started["verification_id"]), user, {"otp": otp}, 410, "VERIFICATION_EXPIRED")

    # A verified token that expires before use is refused with 410 as well.
    started = await nivo.ok("POST", PASSWORD_CHANGE, user, body, status=202)
    token = await nivo.verify(user, started["verification_id"])
    nivo.sandbox.clock.advance(3600)
    await nivo.error("POST", PASSWORD_CHANGE, user, {**body, "verification_token": token}, 410, "VERIFICATION_EXPIRED")


async def test_too_many_wrong_otps_expire_the_verification(nivo: Nivo) -> None:
    user = await nivo.user()
    started = await nivo.ok(
        "POST", PASSWORD_CHANGE, user, {"current_password": PASSWORD, "new_password": "NewSecurePass456"}, status=202
    )
    otp = await nivo.pending_otp(user, started["verification_id"])
    wrong = "000000" if otp != "000000" else "111111"
    codes = []
    for _ in range(6):
        resp = await nivo.call("POST", verify_path(started["verification_id"]), user, {"otp": wrong})
        codes.append(resp.json()["error"]["code"])
    assert codes[0] == "INVALID_OTP"
    assert codes[-1] == "VERIFICATION_EXPIRED"
    await nivo.error("POST", verify_path(started["verification_id"]), user, {"otp": otp}, 410, "VERIFICATION_EXPIRED")


async def test_high_value_transfer_needs_verification(nivo: Nivo) -> None:
    alice = await nivo.user("Alice A")
    bob = await nivo.user("Bob B")
    a = await nivo.wallet(alice, deposit="120000.00")
    b = await nivo.wallet(bob)
    # Exactly 50,000 INR is not above the threshold.
    await nivo.ok("POST", TRANSFER, alice, {"from_wallet_id": a, "to_wallet_id": b, "amount": "50000.00"}, status=201)
    body = {"from_wallet_id": a, "to_wallet_id": b, "amount": "50000.01", "currency": "INR"}
    started = await nivo.ok("POST", TRANSFER, alice, body, status=202)
    assert started["operation_type"] == "high_value_transfer"
    assert (await nivo.balance(alice, a))["balance"] == "70000.00"
    token = await nivo.verify(alice, started["verification_id"])
    # The token is bound to this transfer: another amount is refused.
    await nivo.error(
        "POST", TRANSFER, alice, {**body, "amount": "60000.00", "verification_token": token}, 403, "FORBIDDEN"
    )
    done = await nivo.ok("POST", TRANSFER, alice, {**body, "verification_token": token}, status=201)
    assert done["amount"] == "50000.01" and done["status"] == "completed"
    # A retry with the same token returns the same transaction and moves nothing.
    again = await nivo.ok("POST", TRANSFER, alice, {**body, "verification_token": token}, status=201)
    assert again["id"] == done["id"]
    assert (await nivo.balance(alice, a))["balance"] == "19999.99"
    assert (await nivo.balance(bob, b))["balance"] == "100000.01"
    # Short of funds: refused before asking for an OTP.
    await nivo.error("POST", TRANSFER, alice, body, 412, "INSUFFICIENT_FUNDS")
    assert (await nivo.sandbox.ledger.check()).ok


async def test_beneficiaries_add_list_delete(nivo: Nivo) -> None:
    user = await nivo.user()
    payee = await nivo.user("Payee Person")
    payee_wallet = await nivo.wallet(payee)
    body = {"phone": payee.phone, "nickname": "Mom"}
    started = await nivo.ok("POST", BENEFICIARIES, user, body, status=202)
    assert started["operation_type"] == "beneficiary_add"
    assert await nivo.ok("GET", BENEFICIARIES, user) == []
    token = await nivo.verify(user, started["verification_id"])
    added = await nivo.ok("POST", BENEFICIARIES, user, {**body, "verification_token": token}, status=201)
    assert added["nickname"] == "Mom" and added["phone"] == payee.phone and added["wallet_id"] == payee_wallet
    listed = await nivo.ok("GET", BENEFICIARIES, user)
    assert [b["id"] for b in listed] == [added["id"]]
    await nivo.error("POST", BENEFICIARIES, user, body, 409, "CONFLICT")
    await nivo.error("POST", BENEFICIARIES, user, {"phone": user.phone, "nickname": "Me"}, 400, "BAD_REQUEST")
    await nivo.error("POST", BENEFICIARIES, user, {"phone": "+919999999999", "nickname": "X"}, 404, "NOT_FOUND")
    await nivo.error("POST", BENEFICIARIES, user, {"phone": "12345", "nickname": "X"}, 400, "VALIDATION_ERROR")
    deleted = await nivo.ok("DELETE", f"{BENEFICIARIES}/{added['id']}", user)
    assert deleted == {"message": "Beneficiary deleted"}
    await nivo.error("DELETE", f"{BENEFICIARIES}/{added['id']}", user, None, 404, "NOT_FOUND")
    assert await nivo.ok("GET", BENEFICIARIES, user) == []
