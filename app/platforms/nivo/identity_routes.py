"""Nivo identity service at the gateway: /api/v1/identity/... (Flows 1 and 6)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide

from app.core.errors import Unauthorized
from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.auth import (
    AUTH_ATTEMPTS_PER_MINUTE,
    USER_ADMIN_SCOPE,
    NivoCaller,
    client_ip,
    enforce_rate_limit,
    provide_caller,
    provide_portal_caller,
)
from app.platforms.nivo.errors import NivoError
from app.registry import SandboxDep

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
PHONE_RE = re.compile(r"^\+91\d{10}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 128
TOKEN_TTL = 24 * 3600


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise NivoError("VALIDATION_ERROR", f"{field} must be {MIN_PASSWORD}-{MAX_PASSWORD} characters long")


def _split_name(full_name: str) -> tuple[str, str]:
    name = " ".join(full_name.split())
    if len(name) < 2 or len(name) > 100:
        raise NivoError("VALIDATION_ERROR", "full_name must be 2-100 characters long")
    first, _, last = name.partition(" ")
    return first, last


@post(
    "/auth/register",
    status_code=201,
    summary="Register a user",
    operation_id="nivoRegister",
)
async def register(data: s.RegisterRequest, request: Request[Any, Any, Any], sandbox: SandboxDep) -> s.UserEnvelope:
    enforce_rate_limit(sandbox, "nivo:auth", client_ip(request), AUTH_ATTEMPTS_PER_MINUTE)
    email = data.email.strip()
    if not EMAIL_RE.match(email):
        raise NivoError("VALIDATION_ERROR", "Invalid email format")
    if not PHONE_RE.match(data.phone.strip()):
        raise NivoError("VALIDATION_ERROR", "Invalid phone format: must be +91XXXXXXXXXX")
    _check_password(data.password)
    first, last = _split_name(data.full_name)
    user = await sandbox.identity.register(
        email,
        data.password,
        first_name=first,
        last_name=last,
        phone=data.phone.strip(),
        country="IN",
        status="pending",
        kyc_status="pending",
    )
    return s.UserEnvelope(success=True, data=render.user(user))


@post(
    "/auth/login",
    status_code=200,
    summary="Log in (account_type user_admin for the portal)",
    operation_id="nivoLogin",
)
async def login(data: s.LoginRequest, request: Request[Any, Any, Any], sandbox: SandboxDep) -> s.LoginEnvelope:
    enforce_rate_limit(sandbox, "nivo:auth", client_ip(request), AUTH_ATTEMPTS_PER_MINUTE)
    account_type = data.account_type or "user"
    if account_type not in ("user", USER_ADMIN_SCOPE):
        raise NivoError("VALIDATION_ERROR", "account_type must be 'user' or 'user_admin'")
    user = await sandbox.identity.authenticate(data.email.strip(), data.password)
    scope = USER_ADMIN_SCOPE if account_type == USER_ADMIN_SCOPE else "full"
    pair = await sandbox.identity.issue_tokens(user, platform="nivo", ttl=TOKEN_TTL, scope=scope)
    return s.LoginEnvelope(
        success=True,
        data=s.LoginOut(
            token=pair.access_token,
            expires_at=int(pair.expires_at),
            user=render.login_user(user),
            account_type=account_type,
        ),
    )


@post(
    "/auth/password/change",
    status_code=200,
    summary="Change password (User-Admin verification)",
    operation_id="nivoChangePassword",
    responses=s.VERIFYING_RESPONSES,
)
async def change_password(
    data: s.PasswordChangeRequest, caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.VerificationRequiredEnvelope | s.MessageEnvelope]:
    _check_password(data.new_password, "new_password")
    if data.new_password == data.current_password:
        raise NivoError("VALIDATION_ERROR", "new_password must differ from current_password")
    params = {"user": caller.user.uuid}
    if not data.verification_token:
        out = await ver.start(sandbox, caller.user.id, ver.PASSWORD_CHANGE, params)
        return Response(s.VerificationRequiredEnvelope(success=True, data=out), status_code=202)
    grant = await ver.check_token(sandbox, caller.user.id, ver.PASSWORD_CHANGE, params, data.verification_token)
    try:
        await sandbox.identity.change_password(caller.user.id, data.current_password, data.new_password)
    except Unauthorized:
        raise NivoError("VALIDATION_ERROR", "current_password is incorrect") from None
    await ver.mark_used(sandbox, grant)
    await ver.retire_core_token(sandbox, grant)
    body = s.MessageEnvelope(success=True, data=s.MessageOut(message="Password changed successfully"))
    return Response(body, status_code=200)


@get(
    "/verifications/pending",
    summary="User-Admin portal: pending verifications with their OTPs",
    operation_id="nivoPendingVerifications",
)
async def pending_verifications(portal_caller: NivoCaller, sandbox: SandboxDep) -> s.PendingVerificationsEnvelope:
    items = await ver.pending(sandbox, portal_caller.user.id)
    return s.PendingVerificationsEnvelope(success=True, data=s.PendingVerificationsOut(verifications=items))


@post(
    "/verifications/{verification_id:str}/verify",
    status_code=200,
    summary="Verify an OTP",
    operation_id="nivoVerifyOtp",
)
async def verify_otp(
    verification_id: str, data: s.VerifyOtpRequest, caller: NivoCaller, sandbox: SandboxDep
) -> s.VerifiedEnvelope:
    out = await ver.verify(sandbox, caller.user.id, verification_id, data.otp.strip())
    return s.VerifiedEnvelope(success=True, data=out)


identity_router = Router(
    path="/api/v1/identity",
    route_handlers=[register, login, change_password, pending_verifications, verify_otp],
    dependencies={"caller": Provide(provide_caller), "portal_caller": Provide(provide_portal_caller)},
    tags=["nivo: identity"],
)
