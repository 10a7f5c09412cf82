"""JWT access and refresh tokens (pyjwt, HS256) on the sandbox clock, and the revocation cache.

The signing secret is per sandbox: generated once and stored in ``sandbox_state`` (key
``jwt_secret``) unless ``settings.jwt_secret`` is set. Only HS256 is accepted when decoding, so
``alg: none`` and any other algorithm are rejected; expiry is checked against the sandbox clock
(not the machine's), so a test expires a token by advancing the clock.

Revocation: every issued token has a row in ``auth_tokens``. The set of revoked, still
unexpired jtis is mirrored in memory (``RevocationCache``), loaded at start and updated by
every revocation, so checking a token costs no database round trip.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from collections.abc import Iterable
from typing import Any

import jwt

from app.core.errors import Unauthorized

ALGORITHM = "HS256"
SECRET_KEY = "jwt_secret"
RESERVED_CLAIMS = frozenset({"sub", "uid", "role", "scope", "plat", "ws", "jti", "iat", "exp", "typ", "fam"})


def new_jti() -> str:
    return uuid.uuid4().hex


def load_or_create_secret(conn: sqlite3.Connection) -> str:
    """The per-sandbox secret from ``sandbox_state``, created on first use."""
    conn.execute(
        "INSERT OR IGNORE INTO sandbox_state (key, value) VALUES (?, ?)", (SECRET_KEY, secrets.token_urlsafe(48))
    )
    row = conn.execute("SELECT value FROM sandbox_state WHERE key = ?", (SECRET_KEY,)).fetchone()
    return str(row[0])


def encode(claims: dict[str, Any], secret: str) -> str:
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode(token: str, secret: str, *, now: float, expected_type: str = "access") -> dict[str, Any]:
    """Verify signature (HS256 only), type and expiry on the sandbox clock; return the claims."""
    if not token or not isinstance(token, str):
        raise Unauthorized("token is missing", code="invalid_token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("token is malformed", code="invalid_token") from exc
    if header.get("alg") != ALGORITHM:
        raise Unauthorized("token algorithm is not accepted", code="invalid_token")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "require": ["exp", "jti", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("token signature is invalid", code="invalid_token") from exc
    if claims.get("typ", "access") != expected_type:
        raise Unauthorized(f"not an {expected_type} token", code="invalid_token")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise Unauthorized("token has no valid expiry", code="invalid_token")
    if now >= float(exp):
        raise Unauthorized("token has expired", code="token_expired", expired_at=float(exp))
    return claims


class RevocationCache:
    """Revoked jtis that have not expired yet (expired ones are rejected anyway)."""

    def __init__(self) -> None:
        self._revoked: dict[str, float] = {}

    def __contains__(self, jti: object) -> bool:
        return jti in self._revoked

    def __len__(self) -> int:
        return len(self._revoked)

    def add(self, items: Iterable[tuple[str, float]], now: float) -> None:
        for jti, expires_at in items:
            self._revoked[jti] = float(expires_at)
        if len(self._revoked) > 10_000:
            self.prune(now)

    def prune(self, now: float) -> None:
        for jti in [j for j, exp in self._revoked.items() if exp <= now]:
            del self._revoked[jti]

    def clear(self) -> None:
        self._revoked.clear()

    def load(self, conn: sqlite3.Connection, now: float) -> None:
        self._revoked = {
            str(row[0]): float(row[1])
            for row in conn.execute(
                "SELECT jti, expires_at FROM auth_tokens WHERE revoked_at IS NOT NULL AND expires_at > ?", (now,)
            )
        }


def revoke_where(
    conn: sqlite3.Connection, now: float, reason: str, where: str, params: tuple[Any, ...]
) -> list[tuple[str, float]]:
    """Mark matching unrevoked tokens revoked; returns (jti, expires_at) of those now revoked."""
    rows = conn.execute(
        f"SELECT jti, expires_at FROM auth_tokens WHERE revoked_at IS NULL AND ({where})", params
    ).fetchall()
    if rows:
        conn.execute(
            f"UPDATE auth_tokens SET revoked_at = ?, revoked_reason = ? WHERE revoked_at IS NULL AND ({where})",
            (now, reason, *params),
        )
    return [(str(r[0]), float(r[1])) for r in rows]
