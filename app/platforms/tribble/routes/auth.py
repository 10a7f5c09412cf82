"""Authentication routes: register, login, refresh-token, logout, kyc-status, submit-kyc."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile

from app.core.identity.models import Principal
from app.platforms.tribble import kyc, wallets
from app.platforms.tribble.auth import (
    ACCOUNT_TYPES,
    EMAIL_RE,
    MAX_DOCUMENT_BYTES,
    check_date_of_birth,
    check_password_strength,
    check_phone,
    country_of,
    ocr_from_form,
)
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import kyc_status, new_id, ts
from app.platforms.tribble.schemas import (
    KycStatusOut,
    KycSubmitOut,
    LoginIn,
    LoginOut,
    LoginUser,
    LogoutIn,
    MessageOut,
    RefreshIn,
    RefreshOut,
    RegisterIn,
    RegisterOut,
)
from app.platforms.tribble.security import ACCESS_TTL, PLATFORM, REFRESH_TTL
from app.platforms.tribble.store import kyc as kyc_store
from app.registry import SandboxDep


@post("/auth/register", status_code=201, summary="Register a user", tags=["tribble: auth"])
async def register(data: RegisterIn, sandbox: SandboxDep) -> RegisterOut:
    email = data.email.strip()
    if not EMAIL_RE.match(email):
        raise invalid("email", "Invalid email address")
    for field, value in (("firstName", data.first_name), ("lastName", data.last_name)):
        if not value.strip():
            raise invalid(field, f"{field} is required")
        if len(value) > 100:
            raise invalid(field, f"{field} must be at most 100 characters")
    check_password_strength(data.password)
    if data.account_type not in ACCOUNT_TYPES:
        raise invalid("accountType", "accountType must be 'individual' or 'business'")
    if data.date_of_birth is not None:
        check_date_of_birth(data.date_of_birth)
    if data.phone_number is not None:
        check_phone(data.phone_number)
        if await sandbox.identity.by_phone(data.phone_number) is not None:
            raise TribbleError("CONFLICT", "Phone number already registered", {"field": "phoneNumber"})
    user = await sandbox.identity.register(
        email,
        data.password,
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        phone=data.phone_number,
        date_of_birth=data.date_of_birth,
        account_type=data.account_type,
        country=country_of(data.phone_number),
    )
    await wallets.open_default_wallets(sandbox, user.id)
    return RegisterOut(
        user_id=user.uuid,
        email=user.email,
        kyc_status=kyc_status(user),
        kyc_tier=user.kyc_tier,
        created_at=ts(user.created_at) or "",
        message="Registration successful. Please verify your email and complete KYC.",
    )


@post("/auth/login", status_code=200, summary="Log in", tags=["tribble: auth"])
async def login(data: LoginIn, sandbox: SandboxDep) -> LoginOut:
    if not data.email.strip() or not data.password:
        raise invalid("email" if not data.email.strip() else "password", "email and password are required")
    user = await sandbox.identity.authenticate(data.email.strip(), data.password)
    pair = await sandbox.identity.issue_tokens(user, platform=PLATFORM, ttl=ACCESS_TTL, refresh_ttl=REFRESH_TTL)
    await wallets.open_default_wallets(sandbox, user.id)
    return LoginOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token or "",
        expires_in=ACCESS_TTL,
        user=LoginUser(
            user_id=user.uuid,
            email=user.email,
            first_name=user.first_name,
            kyc_status=kyc_status(user),
            kyc_tier=user.kyc_tier,
        ),
    )


@post("/auth/refresh-token", status_code=200, summary="Refresh the access token", tags=["tribble: auth"])
async def refresh_token(data: RefreshIn, sandbox: SandboxDep) -> RefreshOut:
    if not data.refresh_token.strip():
        raise invalid("refreshToken", "refreshToken is required")
    pair = await sandbox.identity.refresh(data.refresh_token.strip(), ttl=ACCESS_TTL, refresh_ttl=REFRESH_TTL)
    return RefreshOut(access_token=pair.access_token, expires_in=ACCESS_TTL, refresh_token=pair.refresh_token)


@post("/auth/logout", status_code=200, summary="Invalidate the current session", tags=["tribble: auth"])
async def logout(caller: Principal, sandbox: SandboxDep, data: LogoutIn | None = None) -> MessageOut:
    """The current session (its token family); ``tokenId`` another of the caller's Tribble sessions,
    or ``"all"`` every Tribble session of the caller. Other platforms' sessions are never touched."""
    token_id = (data.token_id if data is not None else None) or caller.jti
    if token_id == "all":
        await sandbox.identity.revoke_platform(caller.user.id, PLATFORM)
        await sandbox.identity.revoke(caller.jti)  # also when the caller came with another platform's token
    elif token_id == caller.jti:
        await sandbox.identity.revoke(caller.jti)
    else:
        if await sandbox.identity.session_owner(token_id, platform=PLATFORM) != caller.user.id:
            raise TribbleError("NOT_FOUND", "Session not found", {"field": "tokenId"})
        await sandbox.identity.revoke(token_id)
        await sandbox.identity.revoke(caller.jti)
    return MessageOut(message="Logged out successfully")


@get("/auth/kyc-status", summary="KYC verification status", tags=["tribble: auth"])
async def kyc_status_route(caller: Principal, sandbox: SandboxDep) -> KycStatusOut:
    return await kyc.status_of(sandbox, caller.user.id)


@post("/auth/submit-kyc", status_code=200, summary="Submit a KYC document (multipart)", tags=["tribble: auth"])
async def submit_kyc(request: Request[Any, Any, Any], caller: Principal, sandbox: SandboxDep) -> KycSubmitOut:
    if "multipart/form-data" not in (request.headers.get("content-type") or ""):
        raise invalid("document", "Request must be multipart/form-data with a 'document' file")
    form = await request.form()
    document_type = form.get("documentType")
    if not isinstance(document_type, str) or not document_type.strip():
        raise invalid("documentType", "documentType is required")
    document_type = document_type.strip()
    if document_type not in kyc.DOCUMENT_TYPES:
        raise invalid("documentType", f"documentType must be one of: {', '.join(kyc.DOCUMENT_TYPES)}")
    upload = form.get("document")
    if not isinstance(upload, UploadFile):
        raise invalid("document", "document file is required")
    content = await upload.read()
    if not content:
        raise invalid("document", "document file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise invalid("document", "document must be at most 10 MB")
    ocr = ocr_from_form(form)
    if "dateOfBirth" in ocr and isinstance(ocr["dateOfBirth"], str):
        check_date_of_birth(ocr["dateOfBirth"], "ocr.dateOfBirth")
    now = sandbox.clock.time()
    user_id = caller.user.id
    submission_id = new_id("kyc-submission")

    def run(conn: sqlite3.Connection) -> int:
        kyc_store.insert_document(
            conn,
            (
                new_id("kycdoc"),
                submission_id,
                user_id,
                document_type,
                upload.filename or "",
                upload.content_type or "",
                len(content),
                content,
                json.dumps(ocr),
                now,
            ),
        )
        return kyc_store.pending_count(conn, user_id)

    pending = int(await sandbox.db.write(run))
    if caller.user.kyc_status != "approved":
        await sandbox.identity.set_kyc(user_id, "submitted")
    await kyc.schedule_review(sandbox, user_id, submission_id)
    return KycSubmitOut(
        submission_id=submission_id,
        status="SUBMITTED",
        documents_submitted=pending,
        estimated_review_time="2-3 days",
        message="KYC documents submitted successfully",
    )


ROUTES = [register, login, refresh_token, logout, kyc_status_route, submit_kyc]
