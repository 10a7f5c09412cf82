"""Idempotency for commands that are not (only) ledger postings, in table ``idempotency_keys``.

A platform handling a retried command calls ``lookup_in`` first, inside its write function:
``None`` means the key is new (do the work, then ``remember_in`` the rendered response in the
same savepoint); a dict is the first response, to return as is. Reusing a key with a different
request raises ``IdempotencyMismatch`` naming the differing fields (top-level keys of the
request dict). Keys are scoped (e.g. ``"cashier.withdraw:<user_id>"``) so platforms never collide.
Ledger postings need none of this: ``post(..., idempotency_key=...)`` is idempotent on its own.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from app.core.clock import iso
from app.core.errors import IdempotencyMismatch
from app.core.json_text import json_text


def _canonical(request: dict[str, Any]) -> str:
    return json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(request).encode()).hexdigest()


def differing_fields(stored: dict[str, Any], given: dict[str, Any]) -> list[str]:
    canon = json.loads(_canonical(given))
    return sorted(k for k in set(stored) | set(canon) if stored.get(k, ...) != canon.get(k, ...))


def lookup_in(conn: sqlite3.Connection, scope: str, key: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """The stored response for ``(scope, key)``; None when new; IdempotencyMismatch when the request differs."""
    row = conn.execute(
        "SELECT request_hash, request_summary, response FROM idempotency_keys WHERE scope = ? AND key = ?",
        (scope, key),
    ).fetchone()
    if row is None:
        return None
    if row[0] != request_hash(request):
        differs = differing_fields(json.loads(row[1] or "{}"), request) or ["request"]
        raise IdempotencyMismatch(
            f"Idempotency key {key!r} was already used with different parameters: {', '.join(differs)}",
            key=key,
            differs=differs,
        )
    response: dict[str, Any] = json.loads(row[2]) if row[2] else {}
    return response


def remember_in(
    conn: sqlite3.Connection,
    scope: str,
    key: str,
    request: dict[str, Any],
    response: dict[str, Any],
    *,
    now: float | None = None,
) -> None:
    """Store the first response for ``(scope, key)`` (a second call with the same key keeps the first)."""
    conn.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash, request_summary, response, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING",
        (
            scope,
            key,
            request_hash(request),
            _canonical(request),
            json_text(response),
            iso(now) if now is not None else "",
        ),
    )
