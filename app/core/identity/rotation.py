"""Refresh-token rotation with a grace period (the SQL of ``IdentityService.refresh``).

Rotating a refresh token marks it used and issues the new pair under token ids derived from it
(``successor_jtis``: HMAC of the used jti with the signing secret, so they are unguessable and a
refresh token has exactly one possible successor). The old access token is not revoked: it lives
until it expires, as requests in flight while a frontend refreshes still carry it. The used
refresh token presented again less than ``REUSE_GRACE`` seconds (sandbox clock) after its first
use, while that successor pair is alive, answers the same pair again: an interceptor that
refreshes twice is not a thief. Any later reuse, or one after the session was revoked, is theft:
the caller revokes the whole family.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from dataclasses import dataclass

REUSE_GRACE = 30.0


@dataclass(frozen=True)
class Successor:
    """The live pair a used refresh token was rotated to (rebuilt, not stored: tokens are secrets)."""

    access_jti: str
    access_expires_at: float
    refresh_jti: str
    refresh_expires_at: float
    issued_at: float


def successor_jtis(secret: str, jti: str) -> tuple[str, str]:
    """The (access, refresh) token ids of the pair that replaces refresh token ``jti``."""

    def derive(kind: str) -> str:
        return hmac.new(secret.encode(), f"rotated:{kind}:{jti}".encode(), hashlib.sha256).hexdigest()[:32]

    return derive("access"), derive("refresh")


def mark_used(conn: sqlite3.Connection, jti: str, now: float) -> None:
    conn.execute("UPDATE auth_tokens SET used_at = ? WHERE jti = ?", (now, jti))


def successor_within_grace(
    conn: sqlite3.Connection, row: sqlite3.Row, now: float, successor: tuple[str, str], grace: float = REUSE_GRACE
) -> Successor | None:
    """For a reused refresh token ``row``: its successor pair (ids ``successor``), if the reuse is
    within the grace period and neither token of that pair is revoked or expired; else None."""
    if row["revoked_at"] is not None or row["used_at"] is None or now >= float(row["used_at"]) + grace:
        return None
    found = {
        str(r["kind"]): r
        for r in conn.execute(
            "SELECT jti, kind, issued_at, expires_at FROM auth_tokens"
            " WHERE jti IN (?, ?) AND family = ? AND revoked_at IS NULL AND expires_at > ?",
            (*successor, row["family"], now),
        )
    }
    access, refresh = found.get("access"), found.get("refresh")
    if access is None or refresh is None or access["jti"] != successor[0] or refresh["jti"] != successor[1]:
        return None
    return Successor(
        access_jti=str(access["jti"]),
        access_expires_at=float(access["expires_at"]),
        refresh_jti=str(refresh["jti"]),
        refresh_expires_at=float(refresh["expires_at"]),
        issued_at=float(refresh["issued_at"]),
    )
