"""Nivo identity service at the gateway: /api/v1/identity/... (Flows 1 and 6)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post

from app.lean_response import Response
from app.platforms.nivo import identity, render
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.auth import AUTH_ATTEMPTS_PER_MINUTE, NivoCaller, client_ip, enforce_rate_limit
from app.registry import SandboxDep


@post(
    "/auth/register",
    status_code=201,
    summary="Register a user",
    operation_id="nivoRegister",
)
async def register(data: s.RegisterRequest, request: Request[Any, Any, Any], sandbox: SandboxDep) -> s.UserEnvelope:
    enforce_rate_limit(sandbox, "nivo:auth", client_ip(request), AUTH_ATTEMPTS_PER_MINUTE)
    user = await identity.register(sandbox, data)
    return s.UserEnvelope(success=True, data=render.user(user))


@post(
    "/auth/login",
    status_code=200,
    summary="Log in (account_type user_admin for the portal)",
    operation_id="nivoLogin",
)
async def login(data: s.LoginRequest, request: Request[Any, Any, Any], sandbox: SandboxDep) -> s.LoginEnvelope:
    enforce_rate_limit(sandbox, "nivo:auth", client_ip(request), AUTH_ATTEMPTS_PER_MINUTE)
    user, pair, account_type = await identity.login(sandbox, data)
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
    started = await identity.change_password(sandbox, caller.user, data)
    if started is not None:
        return Response(s.VerificationRequiredEnvelope(success=True, data=started), status_code=202)
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


HANDLERS = [register, login, change_password, pending_verifications, verify_otp]
