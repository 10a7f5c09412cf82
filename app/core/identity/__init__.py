"""Identity core: users, passwords, JWT sessions, OTP/TOTP, verification tokens, the inbox.

``install(sandbox)`` sets ``sandbox.identity`` (``IdentityService``) and ``sandbox.ratelimits``
(``RateLimiter``); the signing secret and revocation cache load in an ``on_start`` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.identity.models import InboxMessage, OtpChallenge, Principal, TokenPair, User, VerificationToken
from app.core.identity.service import IdentityService
from app.core.ratelimit import RateLimiter

if TYPE_CHECKING:
    from app.runtime import Sandbox

__all__ = [
    "IdentityService",
    "InboxMessage",
    "OtpChallenge",
    "Principal",
    "TokenPair",
    "User",
    "VerificationToken",
    "install",
]


def install(sandbox: Sandbox) -> None:
    settings = sandbox.settings
    sandbox.identity = IdentityService(
        sandbox.db,
        sandbox.clock,
        bcrypt_rounds=settings.bcrypt_rounds,
        jwt_secret=settings.jwt_secret,
        workspace=sandbox.name,
    )
    sandbox.ratelimits = RateLimiter(sandbox.clock, enabled=settings.rate_limits)

    async def start_identity(box: Sandbox) -> None:
        await box.identity.start()

    sandbox.on_start(start_identity)
