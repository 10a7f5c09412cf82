"""SQL on the users table (sync functions run inside ``db.read`` / ``db.write``)."""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from typing import Any

from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.identity.models import (
    ACCOUNT_TYPES,
    KYC_STATUSES,
    ROLES,
    USER_STATUSES,
    User,
    drop_id_for,
    profile_id_for,
)

PROFILE_FIELDS = ("first_name", "last_name", "phone", "date_of_birth", "country", "account_type")


def normalize_email(email: object) -> str:
    return email.strip().lower() if isinstance(email, str) else ""


def get_by(conn: sqlite3.Connection, column: str, value: Any) -> User | None:
    assert column in {"id", "uuid", "email_norm", "phone", "drop_id", "profile_id"}
    row = conn.execute(f"SELECT * FROM users WHERE {column} = ?", (value,)).fetchone()
    return User.from_row(row) if row else None


def require(conn: sqlite3.Connection, user_id: int) -> User:
    user = get_by(conn, "id", user_id)
    if user is None:
        raise NotFound("user not found", code="user_not_found", user_id=user_id)
    return user


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValidationFailed(f"{name} must be one of {', '.join(allowed)}", code="validation_error", field=name)


def insert_user(
    conn: sqlite3.Connection,
    now: float,
    *,
    email: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    phone: str | None,
    date_of_birth: str | None,
    account_type: str,
    country: str | None,
    roles: tuple[str, ...] | list[str] | frozenset[str],
    status: str,
    kyc_status: str,
    kyc_tier: int,
    uuid: str | None = None,
) -> User:
    """Insert one user; ``uuid`` (optional) fixes the public id, e.g. a seeded, deterministic one."""
    email_norm = normalize_email(email)
    if not email_norm or "@" not in email_norm:
        raise ValidationFailed("email is not valid", code="validation_error", field="email")
    check_choice("account_type", account_type, ACCOUNT_TYPES)
    check_choice("status", status, USER_STATUSES)
    check_choice("kyc_status", kyc_status, KYC_STATUSES)
    if not 0 <= int(kyc_tier) <= 3:
        raise ValidationFailed("kyc_tier must be 0..3", code="validation_error", field="kyc_tier")
    role_set = set(roles) | {"user"}
    for role in role_set:
        check_choice("role", role, ROLES)
    if conn.execute("SELECT 1 FROM users WHERE email_norm = ?", (email_norm,)).fetchone():
        raise Conflict("email is already registered", code="email_taken", field="email")
    if phone and conn.execute("SELECT 1 FROM users WHERE phone = ?", (phone,)).fetchone():
        raise Conflict("phone is already registered", code="phone_taken", field="phone")
    uid = uuid or str(uuidlib.uuid4())
    cur = conn.execute(
        "INSERT INTO users (uuid, drop_id, profile_id, email, email_norm, phone, first_name, last_name,"
        " date_of_birth, account_type, status, kyc_status, kyc_tier, roles, country, password_hash,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid,
            drop_id_for(uid),
            profile_id_for(uid),
            email.strip(),
            email_norm,
            phone or None,
            first_name,
            last_name,
            date_of_birth,
            account_type,
            status,
            kyc_status,
            int(kyc_tier),
            ",".join(sorted(role_set)),
            country,
            password_hash,
            now,
            now,
        ),
    )
    return require(conn, int(cur.lastrowid or 0))


def update_fields(conn: sqlite3.Connection, user_id: int, now: float, fields: dict[str, Any]) -> User:
    require(conn, user_id)
    if not fields:
        return require(conn, user_id)
    if "phone" in fields and fields["phone"]:
        other = conn.execute("SELECT id FROM users WHERE phone = ? AND id != ?", (fields["phone"], user_id)).fetchone()
        if other:
            raise Conflict("phone is already registered", code="phone_taken", field="phone")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.execute(
        f"UPDATE users SET {assignments}, updated_at = ? WHERE id = ?",
        (*fields.values(), now, user_id),
    )
    return require(conn, user_id)


def password_hash_of(conn: sqlite3.Connection, user_id: int) -> str | None:
    row = conn.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
    return None if row is None else str(row[0])


def totp_state(conn: sqlite3.Connection, user_id: int) -> tuple[str | None, bool, int | None]:
    row = conn.execute(
        "SELECT totp_secret, totp_enabled, totp_last_counter FROM users WHERE id = ?", (user_id,)
    ).fetchone()
    if row is None:
        raise NotFound("user not found", code="user_not_found", user_id=user_id)
    return row[0], bool(row[1]), row[2]
