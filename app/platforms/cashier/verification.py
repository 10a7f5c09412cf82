"""Step-up verification before a withdrawal: an OTP by email / SMS / WhatsApp, or the user's TOTP."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier.errors import TOTP_NOT_ENABLED, CashierError
from app.platforms.cashier.session import Session

OTP_METHODS = {"otp_email": "email", "otp_sms": "sms", "otp_whatsapp": "whatsapp"}
METHODS = ("totp", *OTP_METHODS)
PURPOSES = ("withdrawal", "transfer", "conversion", "deposit", "login")


def purpose_of(value: str) -> str:
    purpose = value.strip().lower()
    if purpose not in PURPOSES:
        raise CashierError(f"invalid purpose: must be one of {', '.join(PURPOSES)}")
    return purpose


async def start_verification(session: Session, method: str, purpose: str) -> Any | None:
    """Send an OTP by the method's channel (its challenge), or None for ``totp`` (the user enters a code).

    ``method`` and ``purpose`` are normalised already (lower case; ``purpose_of``).
    """
    identity = session.sandbox.identity
    if method == "totp":
        user = await identity.get_user(session.user_id)
        if user is None or not user.totp_enabled:
            raise CashierError(TOTP_NOT_ENABLED)
        return None
    channel = OTP_METHODS.get(method)
    if channel is None:
        raise CashierError(f"invalid method: must be one of {', '.join(METHODS)}")
    if channel != "email":
        user = await identity.get_user(session.user_id)
        if user is None or not user.phone:
            raise CashierError("no phone number on your account. Please use otp_email verification instead.")
    return await identity.start_otp(session.user_id, purpose, channel)


def _code(value: str | int) -> str:
    code = f"{value:06d}" if isinstance(value, int) else value.strip()
    if not code:
        raise CashierError("code is required")
    return code


async def verify_otp(session: Session, purpose: str, code: str | int) -> tuple[Any, str]:
    """The verification token for an OTP just sent, and its purpose."""
    purpose = purpose_of(purpose)
    token = await session.sandbox.identity.verify_otp(session.user_id, purpose, _code(code))
    return token, purpose


async def verify_totp(session: Session, purpose: str, code: str | int) -> tuple[Any, str]:
    """The verification token for a code of the user's authenticator app, and its purpose."""
    purpose = purpose_of(purpose)
    token = await session.sandbox.identity.verify_totp(session.user_id, purpose, _code(code))
    return token, purpose
