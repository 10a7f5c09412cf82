"""Identity value objects: users, token pairs, principals, OTP challenges, inbox messages.

Per-platform identifiers all derive from one user row:

- ``id`` (integer): Cashier's ``user_id`` is ``str(id)``.
- ``uuid`` (UUID4 string): Tribble ``userId`` and Nivo ``id``.
- ``drop_id``: ``"usr_" + first 16 hex digits of the uuid`` (Drop).
- ``profile_id``: T-Wallet profile id, ``"prf_" + last 16 hex digits of the uuid``.
- ``twallet_account_id``: T-Wallet account number, ``"TW" + id zero-padded to 10 digits``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

USER_STATUSES = ("pending", "active", "suspended", "locked", "deleted")
KYC_STATUSES = ("pending", "submitted", "approved", "rejected")
ACCOUNT_TYPES = ("individual", "business")
ROLES = ("user", "merchant", "admin", "user_admin")
OTP_CHANNELS = ("email", "sms", "whatsapp", "user_admin")

_TWALLET_ACCOUNT = re.compile(r"^TW([0-9]{10})$")  # ASCII: "\d" also matches "١"


def drop_id_for(uuid: str) -> str:
    return "usr_" + uuid.replace("-", "")[:16]


def profile_id_for(uuid: str) -> str:
    return "prf_" + uuid.replace("-", "")[16:32]


def twallet_account_id_for(user_id: int) -> str:
    return f"TW{user_id:010d}"


def user_id_from_twallet_account(account_id: str) -> int | None:
    match = _TWALLET_ACCOUNT.match(account_id or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class User:
    id: int
    uuid: str
    email: str
    phone: str | None
    first_name: str
    last_name: str
    date_of_birth: str | None
    account_type: str
    status: str
    kyc_status: str
    kyc_tier: int
    roles: frozenset[str]
    country: str | None
    totp_enabled: bool
    created_at: float
    updated_at: float
    last_login_at: float | None
    deleted_at: float | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def drop_id(self) -> str:
        return drop_id_for(self.uuid)

    @property
    def profile_id(self) -> str:
        return profile_id_for(self.uuid)

    @property
    def twallet_account_id(self) -> str:
        return twallet_account_id_for(self.id)

    @property
    def role(self) -> str:
        """The one role a token carries: admin > merchant > user."""
        for name in ("admin", "user_admin", "merchant"):
            if name in self.roles:
                return name
        return "user"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return cls(
            id=int(row["id"]),
            uuid=row["uuid"],
            email=row["email"],
            phone=row["phone"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            date_of_birth=row["date_of_birth"],
            account_type=row["account_type"],
            status=row["status"],
            kyc_status=row["kyc_status"],
            kyc_tier=int(row["kyc_tier"]),
            roles=frozenset(r for r in row["roles"].split(",") if r),
            country=row["country"],
            totp_enabled=bool(row["totp_enabled"]),
            created_at=float(row["created_at"]),
            updated_at=float(row["updated_at"]),
            last_login_at=row["last_login_at"],
            deleted_at=row["deleted_at"],
        )


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str | None
    expires_at: float
    jti: str
    refresh_expires_at: float | None = None
    # The access token's lifetime in seconds as issued (``expires_in`` of the platforms).
    ttl: int = 0


@dataclass(frozen=True)
class Principal:
    user: User
    claims: dict[str, Any]
    jti: str
    scope: str


@dataclass(frozen=True)
class OtpChallenge:
    id: str
    user_id: int
    purpose: str
    channel: str
    code: str
    recipient: str
    recipient_masked: str
    expires_at: float
    status: str
    failures: int = 0
    created_at: float = 0.0

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OtpChallenge:
        return cls(
            id=row["id"],
            user_id=int(row["user_id"]),
            purpose=row["purpose"],
            channel=row["channel"],
            code=row["code"],
            recipient=row["recipient"],
            recipient_masked=row["recipient_masked"],
            expires_at=float(row["expires_at"]),
            status=row["status"],
            failures=int(row["failures"]),
            created_at=float(row["created_at"]),
        )


@dataclass(frozen=True)
class VerificationToken:
    token: str
    purpose: str
    method: str
    expires_at: float


@dataclass(frozen=True)
class InboxMessage:
    id: int
    channel: str
    to: str
    subject: str
    body: str
    code: str | None
    purpose: str | None
    user_id: int | None
    created_at: float
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> InboxMessage:
        return cls(
            id=int(row["id"]),
            channel=row["channel"],
            to=row["recipient"],
            subject=row["subject"],
            body=row["body"],
            code=row["code"],
            purpose=row["purpose"],
            user_id=row["user_id"],
            created_at=float(row["created_at"]),
        )
