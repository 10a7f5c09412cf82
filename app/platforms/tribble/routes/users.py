"""User routes: get/put profile, change password (old password checked, sessions revoked)."""

from __future__ import annotations

from typing import Any

from litestar import get, post, put

from app.core.identity.models import Principal
from app.platforms.tribble.auth import check_date_of_birth, check_password_strength, check_phone, country_of
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import account_status, kyc_status, ts
from app.platforms.tribble.schemas import ChangePasswordIn, MessageOut, ProfileIn, ProfileOut, ProfileUpdatedOut
from app.registry import SandboxDep


@get("/users/profile", summary="Current user profile", tags=["tribble: users"])
async def get_profile(caller: Principal, sandbox: SandboxDep) -> ProfileOut:
    user = await sandbox.identity.get_user(caller.user.id) or caller.user
    return ProfileOut(
        user_id=user.uuid,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        phone_number=user.phone,
        date_of_birth=user.date_of_birth,
        account_type=user.account_type,
        kyc_status=kyc_status(user),
        kyc_tier=user.kyc_tier,
        created_at=ts(user.created_at) or "",
        last_login=ts(user.last_login_at),
        account_status=account_status(user),
    )


@put("/users/profile", summary="Update the profile", tags=["tribble: users"])
async def update_profile(caller: Principal, sandbox: SandboxDep, data: ProfileIn) -> ProfileUpdatedOut:
    fields: dict[str, Any] = {}
    for field, value, key in (
        ("firstName", data.first_name, "first_name"),
        ("lastName", data.last_name, "last_name"),
    ):
        if value is not None:
            if not value.strip() or len(value) > 100:
                raise invalid(field, f"{field} must be 1-100 characters")
            fields[key] = value.strip()
    if data.phone_number is not None:
        check_phone(data.phone_number)
        other = await sandbox.identity.by_phone(data.phone_number)
        if other is not None and other.id != caller.user.id:
            raise TribbleError("CONFLICT", "Phone number already registered", {"field": "phoneNumber"})
        fields["phone"] = data.phone_number
        country = country_of(data.phone_number)
        if country:
            fields["country"] = country
    if data.date_of_birth is not None:
        check_date_of_birth(data.date_of_birth)
        fields["date_of_birth"] = data.date_of_birth
    if not fields:
        raise invalid("body", "Nothing to update: send firstName, lastName, phoneNumber or dateOfBirth")
    user = await sandbox.identity.update_profile(caller.user.id, **fields)
    return ProfileUpdatedOut(
        user_id=user.uuid, message="Profile updated successfully", updated_at=ts(user.updated_at) or ""
    )


@post("/users/change-password", status_code=200, summary="Change the password", tags=["tribble: users"])
async def change_password(caller: Principal, sandbox: SandboxDep, data: ChangePasswordIn) -> MessageOut:
    if not data.current_password:
        raise invalid("currentPassword", "currentPassword is required")
    check_password_strength(data.new_password, "newPassword")
    if data.new_password == data.current_password:
        raise invalid("newPassword", "newPassword must differ from currentPassword")
    try:
        await sandbox.identity.change_password(caller.user.id, data.current_password, data.new_password)
    except TribbleError:
        raise
    except Exception as exc:
        code = getattr(exc, "code", "")
        if code == "invalid_credentials":
            raise TribbleError("UNAUTHORIZED", "Current password is incorrect", {"field": "currentPassword"}) from None
        raise
    return MessageOut(message="Password changed successfully")


ROUTES = [get_profile, update_profile, change_password]
