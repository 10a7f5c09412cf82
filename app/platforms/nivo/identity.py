"""Nivo's rules on the shared identity (Flows 1 and 6): registration fields, login scopes, and the
password change under User-Admin verification."""

from __future__ import annotations

import re

from app.core.errors import Unauthorized
from app.core.identity.models import TokenPair, User
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.auth import USER_ADMIN_SCOPE
from app.platforms.nivo.errors import NivoError
from app.runtime import Sandbox

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


async def register(sandbox: Sandbox, data: s.RegisterRequest) -> User:
    """A new ``pending`` user (KYC ``pending``, country IN) after Nivo's field checks."""
    email = data.email.strip()
    if not EMAIL_RE.match(email):
        raise NivoError("VALIDATION_ERROR", "Invalid email format")
    if not PHONE_RE.match(data.phone.strip()):
        raise NivoError("VALIDATION_ERROR", "Invalid phone format: must be +91XXXXXXXXXX")
    _check_password(data.password)
    first, last = _split_name(data.full_name)
    user: User = await sandbox.identity.register(
        email,
        data.password,
        first_name=first,
        last_name=last,
        phone=data.phone.strip(),
        country="IN",
        status="pending",
        kyc_status="pending",
    )
    return user


async def login(sandbox: Sandbox, data: s.LoginRequest) -> tuple[User, TokenPair, str]:
    """(user, tokens, account_type): a ``user_admin`` login gets a portal-only token."""
    account_type = data.account_type or "user"
    if account_type not in ("user", USER_ADMIN_SCOPE):
        raise NivoError("VALIDATION_ERROR", "account_type must be 'user' or 'user_admin'")
    user = await sandbox.identity.authenticate(data.email.strip(), data.password)
    scope = USER_ADMIN_SCOPE if account_type == USER_ADMIN_SCOPE else "full"
    pair = await sandbox.identity.issue_tokens(user, platform="nivo", ttl=TOKEN_TTL, scope=scope)
    return user, pair, account_type


async def change_password(
    sandbox: Sandbox, user: User, data: s.PasswordChangeRequest
) -> s.VerificationRequiredOut | None:
    """Start the verification (its answer returned), or complete the change with its token (None)."""
    _check_password(data.new_password, "new_password")
    if data.new_password == data.current_password:
        raise NivoError("VALIDATION_ERROR", "new_password must differ from current_password")
    params = {"user": user.uuid}
    if not data.verification_token:
        return await ver.start(sandbox, user.id, ver.PASSWORD_CHANGE, params)
    grant = await ver.check_token(sandbox, user.id, ver.PASSWORD_CHANGE, params, data.verification_token)
    try:
        await sandbox.identity.change_password(user.id, data.current_password, data.new_password)
    except Unauthorized:
        raise NivoError("VALIDATION_ERROR", "current_password is incorrect") from None
    await ver.mark_used(sandbox, grant)
    await ver.retire_core_token(sandbox, grant)
    return None
