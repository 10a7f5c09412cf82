"""User-Admin OTP verification of sensitive operations (Flow 6).

The OTP itself is the identity service's (``start_otp(..., channel="user_admin")``,
``verify_otp``, ``pending_challenges``). Nivo binds each challenge to one operation and its
parameters (a fingerprint), so a verification token obtained for one transfer cannot complete a
different one; the token is marked used in the same savepoint as the operation it completes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.numbers import ascii_digits
from app.platforms.nivo import schemas as s
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.store import verifications as ver_store
from app.runtime import Sandbox

PASSWORD_CHANGE = "password_change"
BENEFICIARY_ADD = "beneficiary_add"
HIGH_VALUE_TRANSFER = "high_value_transfer"
OPERATIONS = (PASSWORD_CHANGE, BENEFICIARY_ADD, HIGH_VALUE_TRANSFER)
CHANNEL = "user_admin"
PORTAL_MESSAGE = "Please complete OTP verification via User-Admin portal"


def fingerprint(operation: str, params: dict[str, Any]) -> str:
    text = json.dumps([operation, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Grant:
    """A verified, unused verification for one operation."""

    id: str
    user_id: int
    operation_type: str
    token: str
    used: bool


async def start(sandbox: Sandbox, user_id: int, operation: str, params: dict[str, Any]) -> s.VerificationRequiredOut:
    challenge = await sandbox.identity.start_otp(user_id, operation, channel=CHANNEL)
    now = sandbox.clock.time()
    await sandbox.db.write(
        lambda conn: ver_store.insert_verification_in(
            conn, challenge.id, user_id, operation, fingerprint(operation, params), challenge.expires_at, now
        )
    )
    return s.VerificationRequiredOut(
        verification_required=True,
        verification_id=challenge.id,
        operation_type=operation,
        message=PORTAL_MESSAGE,
        expires_at=iso(challenge.expires_at),
        code="VERIFICATION_REQUIRED",
    )


async def pending(sandbox: Sandbox, user_id: int) -> list[s.PendingVerificationOut]:
    challenges = await sandbox.identity.pending_challenges(user_id)
    out = []
    for ch in challenges:
        if ch.channel != CHANNEL:
            continue
        out.append(
            s.PendingVerificationOut(
                id=ch.id,
                operation_type=ch.purpose,
                otp=ch.code,
                status="pending",
                expires_at=iso(ch.expires_at),
                created_at=iso(ch.created_at),
            )
        )
    return out


async def verify(sandbox: Sandbox, user_id: int, verification_id: str, otp: str) -> s.VerifiedOut:
    row = await sandbox.db.read(lambda conn: ver_store.verification_in(conn, verification_id, user_id))
    if row is None:
        raise NivoError("NOT_FOUND", "Verification not found")
    if row["status"] != "pending":
        raise NivoError("CONFLICT", f"Verification is already {row['status']}")
    if row["expires_at"] <= sandbox.clock.time():
        raise NivoError("VERIFICATION_EXPIRED", "Verification has expired; start the operation again")
    if not isinstance(otp, str) or not ascii_digits(otp) or len(otp) != 6:
        raise NivoError("INVALID_OTP", "OTP must be 6 digits")
    token = await sandbox.identity.verify_otp(user_id, row["operation_type"], otp, challenge_id=verification_id)

    def run(conn: sqlite3.Connection) -> None:
        ver_store.mark_verified_in(conn, verification_id, token_hash(token.token), token.expires_at)

    await sandbox.db.write(run)
    return s.VerifiedOut(
        verified=True, token=s.VerificationTokenOut(token=token.token, expires_at=iso(token.expires_at))
    )


async def check_token(
    sandbox: Sandbox, user_id: int, operation: str, params: dict[str, Any], token: str, *, allow_used: bool = False
) -> Grant:
    """The verification a token completes; FORBIDDEN when it is not for this operation, 410 when expired."""
    hashed = token_hash(token)
    row = await sandbox.db.read(lambda conn: ver_store.verification_by_token_in(conn, hashed, user_id))
    if row is None:
        raise NivoError("FORBIDDEN", "Verification token is invalid")
    if row["operation_type"] != operation or row["fingerprint"] != fingerprint(operation, params):
        raise NivoError("FORBIDDEN", "Verification token was issued for a different operation")
    used = row["status"] == "used"
    if used and not allow_used:
        raise NivoError("FORBIDDEN", "Verification token has already been used")
    if not used and (row["token_expires_at"] or 0) <= sandbox.clock.time():
        raise NivoError("VERIFICATION_EXPIRED", "Verification token has expired; start the operation again")
    return Grant(id=row["id"], user_id=user_id, operation_type=operation, token=token, used=used)


def mark_used_in(conn: sqlite3.Connection, grant: Grant, now: float) -> None:
    if ver_store.mark_used_in(conn, grant.id, now) != 1:
        raise NivoError("FORBIDDEN", "Verification token has already been used")


async def mark_used(sandbox: Sandbox, grant: Grant) -> None:
    now = sandbox.clock.time()
    await sandbox.db.write(lambda conn: mark_used_in(conn, grant, now))


async def retire_core_token(sandbox: Sandbox, grant: Grant) -> None:
    """Spend the identity service's verification token too (after the operation committed)."""
    with contextlib.suppress(DomainError):
        await sandbox.identity.consume_verification_token(grant.user_id, grant.operation_type, grant.token)
