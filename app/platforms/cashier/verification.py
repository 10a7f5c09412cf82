"""verification_request, verify_otp, verify_totp: step-up verification before a withdrawal."""

from __future__ import annotations

from app.platforms.cashier import schemas
from app.platforms.cashier.errors import TOTP_NOT_ENABLED, CashierError
from app.platforms.cashier.session import Reply, Session

OTP_METHODS = {"otp_email": "email", "otp_sms": "sms", "otp_whatsapp": "whatsapp"}
METHODS = ("totp", *OTP_METHODS)
PURPOSES = ("withdrawal", "transfer", "conversion", "deposit", "login")


def _purpose(value: str) -> str:
    purpose = value.strip().lower()
    if purpose not in PURPOSES:
        raise CashierError(f"invalid purpose: must be one of {', '.join(PURPOSES)}")
    return purpose


def _method_name(method: str) -> str:
    """Identity stores the channel ("email"); Cashier names it "otp_email"."""
    if method == "totp" or method.startswith("otp_"):
        return method
    return f"otp_{method}"


async def verification_request(session: Session, req: schemas.VerificationRequest) -> Reply:
    method = req.method.strip().lower()
    purpose = _purpose(req.purpose)
    identity = session.sandbox.identity
    if method == "totp":
        user = await identity.get_user(session.user_id)
        if user is None or not user.totp_enabled:
            raise CashierError(TOTP_NOT_ENABLED)
        return Reply(
            "2FA enabled. Please provide your TOTP code",
            {"method": "totp", "purpose": purpose, "next_step": "verify_totp"},
        )
    channel = OTP_METHODS.get(method)
    if channel is None:
        raise CashierError(f"invalid method: must be one of {', '.join(METHODS)}")
    if channel != "email":
        user = await identity.get_user(session.user_id)
        if user is None or not user.phone:
            raise CashierError("no phone number on your account. Please use otp_email verification instead.")
    challenge = await identity.start_otp(session.user_id, purpose, channel)
    return Reply(
        f"OTP sent to {challenge.recipient_masked} via {channel}",
        {
            "method": method,
            "channel": channel,
            "recipient": challenge.recipient_masked,
            "purpose": purpose,
            "next_step": "verify_otp",
            "expires_in": max(0, round(challenge.expires_at - session.now())),
        },
    )


def _code(value: str | int) -> str:
    code = f"{value:06d}" if isinstance(value, int) else value.strip()
    if not code:
        raise CashierError("code is required")
    return code


def _verified(session: Session, token: object, purpose: str) -> Reply:
    expires_at = float(getattr(token, "expires_at", session.now()))
    return Reply(
        "verification successful",
        {
            "verification_token": getattr(token, "token", ""),
            "purpose": purpose,
            "method": _method_name(str(getattr(token, "method", ""))),
            "expires_in": max(0, round(expires_at - session.now())),
            "message": f"Use this token for your next {purpose} request",
        },
    )


async def verify_otp(session: Session, req: schemas.VerifyCode) -> Reply:
    purpose = _purpose(req.purpose)
    code = _code(req.code)
    token = await session.sandbox.identity.verify_otp(session.user_id, purpose, code)
    return _verified(session, token, purpose)


async def verify_totp(session: Session, req: schemas.VerifyCode) -> Reply:
    purpose = _purpose(req.purpose)
    code = _code(req.code)
    token = await session.sandbox.identity.verify_totp(session.user_id, purpose, code)
    return _verified(session, token, purpose)
