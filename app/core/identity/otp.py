"""OTP challenges (6 digits, 180 s, 5 failures kill them), TOTP (RFC 6238) and verification tokens.

A verified OTP or TOTP code yields a single-use verification token (300 s by default) bound to
the user and the purpose it was issued for; ``consume_in`` spends it exactly once.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

import pyotp

from app.core.errors import ValidationFailed
from app.core.identity.models import OtpChallenge, VerificationToken
from app.core.numbers import ascii_digits

OTP_DIGITS = 6
OTP_TTL = 180
OTP_MAX_FAILURES = 5
VERIFICATION_TTL = 300
TOTP_ISSUER = "Paysandbox"


def new_code() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def new_challenge_id() -> str:
    return "ver_" + secrets.token_hex(8)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_phone(email)
    shown = local[:1]
    return f"{shown}{'*' * max(3, len(local) - 1)}@{domain}"


def mask_phone(phone: str) -> str:
    if len(phone) <= 4:
        return "*" * len(phone)
    head = 3 if phone.startswith("+") else 0
    return phone[:head] + "*" * (len(phone) - head - 4) + phone[-4:]


def create_challenge_in(
    conn: sqlite3.Connection, now: float, *, user_id: int, purpose: str, channel: str, recipient: str
) -> OtpChallenge:
    masked = mask_email(recipient) if channel == "email" else mask_phone(recipient)
    challenge = OtpChallenge(
        id=new_challenge_id(),
        user_id=user_id,
        purpose=purpose,
        channel=channel,
        code=new_code(),
        recipient=recipient,
        recipient_masked=masked,
        expires_at=now + OTP_TTL,
        status="pending",
        failures=0,
        created_at=now,
    )
    conn.execute(
        "INSERT INTO otp_challenges (id, user_id, purpose, channel, code, recipient, recipient_masked, status,"
        " failures, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        (challenge.id, user_id, purpose, channel, challenge.code, recipient, masked, now, challenge.expires_at),
    )
    return challenge


@dataclass(frozen=True)
class OtpOutcome:
    """What checking a code did. Failures are committed, so the caller raises after the write."""

    result: str  # "ok" | "invalid" | "expired" | "locked" | "missing"
    challenge_id: str | None = None
    attempts_remaining: int = 0
    token: VerificationToken | None = None


def check_code_in(
    conn: sqlite3.Connection,
    now: float,
    *,
    user_id: int,
    purpose: str,
    code: str,
    challenge_id: str | None,
    ttl: int,
) -> OtpOutcome:
    if challenge_id is not None:
        row = conn.execute(
            "SELECT * FROM otp_challenges WHERE id = ? AND user_id = ? AND purpose = ?",
            (challenge_id, user_id, purpose),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT * FROM otp_challenges WHERE user_id = ? AND purpose = ? AND status != 'verified'"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (user_id, purpose),
        ).fetchone()
    if row is None:
        return OtpOutcome("missing")
    challenge = OtpChallenge.from_row(row)
    if challenge.status == "verified":
        return OtpOutcome("missing", challenge.id)
    if challenge.status == "locked":
        return OtpOutcome("locked", challenge.id)
    if challenge.status == "expired" or now >= challenge.expires_at:
        conn.execute("UPDATE otp_challenges SET status = 'expired' WHERE id = ?", (challenge.id,))
        return OtpOutcome("expired", challenge.id)
    # Compared as UTF-8 bytes: compare_digest refuses non-ASCII str (a TypeError, not a wrong code).
    if not secrets.compare_digest(str(code or "").strip().encode("utf-8"), challenge.code.encode("utf-8")):
        failures = challenge.failures + 1
        status = "locked" if failures >= OTP_MAX_FAILURES else "pending"
        conn.execute(
            "UPDATE otp_challenges SET failures = ?, status = ? WHERE id = ?", (failures, status, challenge.id)
        )
        if status == "locked":
            return OtpOutcome("locked", challenge.id)
        return OtpOutcome("invalid", challenge.id, OTP_MAX_FAILURES - failures)
    conn.execute("UPDATE otp_challenges SET status = 'verified', verified_at = ? WHERE id = ?", (now, challenge.id))
    token = issue_verification_in(conn, now, user_id=user_id, purpose=purpose, method=challenge.channel, ttl=ttl)
    return OtpOutcome("ok", challenge.id, token=token)


def issue_verification_in(
    conn: sqlite3.Connection, now: float, *, user_id: int, purpose: str, method: str, ttl: int
) -> VerificationToken:
    token = VerificationToken(
        token="vt_" + secrets.token_urlsafe(24), purpose=purpose, method=method, expires_at=now + ttl
    )
    conn.execute(
        "INSERT INTO verification_tokens (token, user_id, purpose, method, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token.token, user_id, purpose, method, now, token.expires_at),
    )
    return token


def consume_in(conn: sqlite3.Connection, now: float, *, user_id: int, purpose: str, token: str) -> bool:
    cur = conn.execute(
        "UPDATE verification_tokens SET used_at = ? WHERE token = ? AND user_id = ? AND purpose = ?"
        " AND used_at IS NULL AND expires_at > ?",
        (now, token, user_id, purpose, now),
    )
    return cur.rowcount == 1


def pending_in(conn: sqlite3.Connection, now: float, user_id: int) -> list[OtpChallenge]:
    rows = conn.execute(
        "SELECT * FROM otp_challenges WHERE user_id = ? AND status = 'pending' AND expires_at > ?"
        " ORDER BY created_at DESC, rowid DESC",
        (user_id, now),
    ).fetchall()
    return [OtpChallenge.from_row(row) for row in rows]


# -- TOTP --------------------------------------------------------------------------------------
def new_totp_secret() -> str:
    return pyotp.random_base32()


def check_totp_secret(secret: object) -> str:
    """A given TOTP secret, upper-cased: base32 (RFC 4648, no padding needed), at least 16 characters."""
    text = secret.strip().upper().rstrip("=") if isinstance(secret, str) else ""
    if len(text) < 16 or any(ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in text):
        raise ValidationFailed(
            "totp secret must be base32 (A-Z, 2-7), at least 16 characters", code="invalid_totp_secret"
        )
    return text


def totp_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=TOTP_ISSUER)


def totp_counter_for(secret: str, code: str, now: float, window: int = 1) -> int | None:
    """The time-step counter ``code`` is valid for at ``now`` (+/- ``window`` steps), else None."""
    totp = pyotp.TOTP(secret)
    code = str(code or "").strip()
    if not ascii_digits(code) or len(code) != totp.digits:
        return None
    current = int(now) // totp.interval
    for counter in range(current - window, current + window + 1):
        if secrets.compare_digest(totp.generate_otp(counter).encode("utf-8"), code.encode("utf-8")):
            return counter
    return None
