"""verification_request, verify_otp, verify_totp: step-up verification before a withdrawal."""

from __future__ import annotations

from app.platforms.cashier import render, schemas, verification
from app.platforms.cashier.session import Reply, Session


async def verification_request(session: Session, req: schemas.VerificationRequest) -> Reply:
    method = req.method.strip().lower()
    purpose = verification.purpose_of(req.purpose)
    challenge = await verification.start_verification(session, method, purpose)
    if challenge is None:
        return Reply(
            "2FA enabled. Please provide your TOTP code",
            {"method": "totp", "purpose": purpose, "next_step": "verify_totp"},
        )
    channel = verification.OTP_METHODS[method]
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


async def verify_otp(session: Session, req: schemas.VerifyCode) -> Reply:
    token, purpose = await verification.verify_otp(session, req.purpose, req.code)
    return Reply("verification successful", render.verified(token, purpose, session.now()))


async def verify_totp(session: Session, req: schemas.VerifyCode) -> Reply:
    token, purpose = await verification.verify_totp(session, req.purpose, req.code)
    return Reply("verification successful", render.verified(token, purpose, session.now()))
