"""Signed webhook deliveries with retries on the sandbox clock.

Endpoints are registered per user (``user_id``) or globally (``user_id=None``), optionally
limited to one platform and to event types (exact names, ``"*"``, or prefixes like ``"user.*"``).
Every event published on the bus reaches every matching endpoint (the service subscribes to
the bus); ``deliver_event`` sends an event that is not on the bus.

A delivery is one event for one endpoint. Its body is frozen at creation so every attempt
(and every resend) sends the same bytes::

    {"id": "evt_...", "type": "user.created", "data": {...}, "timestamp": "2024-01-15T10:30:00Z", "version": "1"}

signed ``x-webhook-signature: hex(HMAC-SHA256(secret, raw body))`` (Drop's documented snippet).
A 2xx answer delivers it. Otherwise it is retried 5 times with exponential backoff on the
sandbox clock (30 s, 2 min, 8 min, 32 min, 2 h), then marked ``failed``. Every attempt is
logged (status code or error, duration, the start of the response body); ``resend`` makes one
more attempt right away. Attempts run on the scheduler (one at a time, 5 s timeout each).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.core.clock import SandboxClock, iso
from app.core.errors import NotFound, ValidationFailed
from app.core.events import Event
from app.core.scheduler import Job, Scheduler, schedule_in

WEBHOOK_JOB = "simulators.webhook_attempt"
BACKOFF_SECONDS: tuple[float, ...] = (30.0, 120.0, 480.0, 1920.0, 7200.0)
MAX_RETRIES = len(BACKOFF_SECONDS)
TIMEOUT_SECONDS = 5.0
SIGNATURE_HEADER = "x-webhook-signature"
_AUTOMATIC = ("initial", "retry")


def sign(secret: str, body: bytes) -> str:
    """``hex(HMAC-SHA256(secret, body))``: what ``x-webhook-signature`` carries."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """The receiver's check (constant time), as in Drop's documented snippet."""
    return hmac.compare_digest(sign(secret, body), signature or "")


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    url: str
    secret: str
    user_id: int | None
    platform: str | None
    event_types: tuple[str, ...] | None
    active: bool
    description: str
    created_at: float

    def matches(self, event_type: str, platform: str | None, audience: Iterable[int]) -> bool:
        if not self.active:
            return False
        if self.user_id is not None and self.user_id not in set(audience):
            return False
        if self.platform is not None and platform is not None and self.platform != platform:
            return False
        if self.event_types is None:
            return True
        return any(
            pattern in ("*", event_type) or (pattern.endswith("*") and event_type.startswith(pattern[:-1]))
            for pattern in self.event_types
        )

    def as_dict(self, *, with_secret: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "user_id": self.user_id,
            "platform": self.platform,
            "event_types": list(self.event_types) if self.event_types is not None else None,
            "active": self.active,
            "description": self.description,
            "created_at": iso(self.created_at),
        }
        if with_secret:
            data["secret"] = self.secret
        return data


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    attempt: int
    trigger: str  # initial | retry | resend
    attempted_at: float
    status_code: int | None
    error: str | None
    duration_ms: float
    response_body: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt,
            "trigger": self.trigger,
            "attempted_at": iso(self.attempted_at),
            "status_code": self.status_code,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 1),
            "response_body": self.response_body,
            "ok": self.ok,
        }


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: str
    endpoint_id: str
    url: str
    event_id: str
    event_type: str
    user_id: int | None
    body: str
    status: str  # pending | delivered | failed
    attempts: int
    next_attempt_at: float | None
    last_status_code: int | None
    last_error: str | None
    created_at: float
    delivered_at: float | None
    attempt_log: tuple[WebhookAttempt, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "endpoint_id": self.endpoint_id,
            "url": self.url,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "user_id": self.user_id,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": iso(self.next_attempt_at) if self.next_attempt_at is not None else None,
            "last_status_code": self.last_status_code,
            "last_error": self.last_error,
            "created_at": iso(self.created_at),
            "delivered_at": iso(self.delivered_at) if self.delivered_at is not None else None,
            "payload": json.loads(self.body),
            "attempt_log": [a.as_dict() for a in self.attempt_log],
        }


def _endpoint(row: sqlite3.Row) -> WebhookEndpoint:
    types = json.loads(row["event_types"]) if row["event_types"] else None
    return WebhookEndpoint(
        row["id"],
        row["url"],
        row["secret"],
        row["user_id"],
        row["platform"],
        tuple(types) if types is not None else None,
        bool(row["active"]),
        row["description"],
        row["created_at"],
    )


def _attempt(row: sqlite3.Row) -> WebhookAttempt:
    return WebhookAttempt(
        row["attempt"],
        row["trigger"],
        row["attempted_at"],
        row["status_code"],
        row["error"],
        row["duration_ms"],
        row["response_body"],
    )


_DELIVERY_SQL = "SELECT d.*, e.url AS url FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"


def _delivery(row: sqlite3.Row, attempts: tuple[WebhookAttempt, ...] = ()) -> WebhookDelivery:
    return WebhookDelivery(
        row["id"],
        row["endpoint_id"],
        row["url"],
        row["event_id"],
        row["event_type"],
        row["user_id"],
        row["body"],
        row["status"],
        row["attempts"],
        row["next_attempt_at"],
        row["last_status_code"],
        row["last_error"],
        row["created_at"],
        row["delivered_at"],
        attempts,
    )


def _delivery_in(conn: sqlite3.Connection, delivery_id: str) -> WebhookDelivery | None:
    row = conn.execute(_DELIVERY_SQL + " WHERE d.id = ?", (delivery_id,)).fetchone()
    if row is None:
        return None
    attempts = conn.execute(
        "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id", (delivery_id,)
    ).fetchall()
    return _delivery(row, tuple(_attempt(a) for a in attempts))


def _check_url(url: object) -> str:
    if not isinstance(url, str) or len(url) > 2000:
        raise ValidationFailed("url must be an http(s) URL", code="invalid_url")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValidationFailed(f"url must be an absolute http(s) URL: {exc}", code="invalid_url") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed("url must be an absolute http(s) URL", code="invalid_url")
    return url.strip()


def _check_types(event_types: Iterable[str] | None) -> list[str] | None:
    if event_types is None:
        return None
    if isinstance(event_types, str):
        event_types = [event_types]
    cleaned = [t.strip() for t in event_types if isinstance(t, str) and t.strip()]
    if not cleaned:
        raise ValidationFailed("event_types must list at least one event type (or be omitted)", code="invalid_events")
    return cleaned


class WebhookService:
    """``hub.webhooks``."""

    def __init__(
        self, db: Any, clock: SandboxClock, scheduler: Scheduler, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        self.transport = transport
        self._client: httpx.AsyncClient | None = None
        # Whether any active endpoint exists (None = unknown): lets the bus skip a query per event.
        self._any_active: bool | None = None
        self._endpoints_version = 0
        scheduler.register(WEBHOOK_JOB, self._on_due)

    def forget_cache(self) -> None:
        """Call after the database changed underneath (restore, reset): endpoints are looked up again."""
        self._any_active = None
        self._endpoints_version += 1

    # -- endpoints ------------------------------------------------------------------------------
    async def add_endpoint(
        self,
        url: str,
        *,
        user_id: int | None = None,
        secret: str | None = None,
        event_types: Iterable[str] | None = None,
        platform: str | None = None,
        description: str = "",
    ) -> WebhookEndpoint:
        """Register an endpoint (per user, or global with ``user_id=None``); a secret is generated if omitted."""
        clean_url = _check_url(url)
        types = _check_types(event_types)
        if secret is not None and (not isinstance(secret, str) or not secret.strip()):
            raise ValidationFailed("secret must be a non-empty string", code="invalid_secret")
        endpoint = WebhookEndpoint(
            f"we_{secrets.token_hex(8)}",
            clean_url,
            secret or f"whsec_{secrets.token_hex(24)}",
            user_id,
            platform,
            tuple(types) if types is not None else None,
            True,
            description,
            self.clock.time(),
        )

        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO webhook_endpoints (id, user_id, platform, url, secret, event_types, active, description, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (
                    endpoint.id,
                    user_id,
                    platform,
                    clean_url,
                    endpoint.secret,
                    json.dumps(types) if types is not None else None,
                    description,
                    endpoint.created_at,
                ),
            )

        await self.db.write(run)
        self._any_active = True
        self._endpoints_version += 1
        return endpoint

    async def endpoints(self, *, user_id: int | None = None, platform: str | None = None) -> list[WebhookEndpoint]:
        """All endpoints, or those of one user (not the global ones) and/or one platform."""
        sql = "SELECT * FROM webhook_endpoints WHERE 1=1"
        params: list[Any] = []
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        if platform is not None:
            sql += " AND platform = ?"
            params.append(platform)
        rows = await self.db.fetchall(sql + " ORDER BY created_at, id", tuple(params))
        return [_endpoint(row) for row in rows]

    async def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = await self.db.fetchone("SELECT * FROM webhook_endpoints WHERE id = ?", (endpoint_id,))
        return _endpoint(row) if row else None

    async def update_endpoint(
        self,
        endpoint_id: str,
        *,
        url: str | None = None,
        event_types: Iterable[str] | None = None,
        active: bool | None = None,
        description: str | None = None,
    ) -> WebhookEndpoint:
        changes: dict[str, Any] = {}
        if url is not None:
            changes["url"] = _check_url(url)
        if event_types is not None:
            changes["event_types"] = json.dumps(_check_types(event_types))
        if active is not None:
            changes["active"] = 1 if active else 0
        if description is not None:
            changes["description"] = description

        def run(conn: sqlite3.Connection) -> int:
            if not changes:
                row = conn.execute("SELECT 1 FROM webhook_endpoints WHERE id = ?", (endpoint_id,)).fetchone()
                return 1 if row else 0
            sets = ", ".join(f"{k} = ?" for k in changes)
            cur = conn.execute(f"UPDATE webhook_endpoints SET {sets} WHERE id = ?", (*changes.values(), endpoint_id))
            return int(cur.rowcount)

        updated = await self.db.write(run)
        self._any_active = None
        self._endpoints_version += 1
        if not updated:
            raise NotFound(f"webhook endpoint {endpoint_id} not found", code="webhook_endpoint_not_found")
        found = await self.get_endpoint(endpoint_id)
        assert found is not None
        return found

    async def remove_endpoint(self, endpoint_id: str) -> None:
        """Delete an endpoint with its deliveries; pending retries are cancelled."""

        def run(conn: sqlite3.Connection) -> int:
            ids = [
                r[0] for r in conn.execute("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?", (endpoint_id,))
            ]
            for delivery_id in ids:
                conn.execute(
                    "UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'",
                    (f"whd:{delivery_id}",),
                )
            return int(conn.execute("DELETE FROM webhook_endpoints WHERE id = ?", (endpoint_id,)).rowcount)

        removed = await self.db.write(run)
        self._any_active = None
        self._endpoints_version += 1
        if not removed:
            raise NotFound(f"webhook endpoint {endpoint_id} not found", code="webhook_endpoint_not_found")

    # -- events -> deliveries ---------------------------------------------------------------------
    async def on_event(self, event: Event) -> None:
        """Bus subscriber: every published event reaches every matching endpoint once."""
        await self._fan_out(
            event.type,
            event.data,
            event.platform,
            event.audience(),
            event.user_id,
            event_key=f"bus:{event.id}" if event.id else None,
            timestamp=event.created_at or None,
        )

    async def deliver_event(
        self,
        event_type: str,
        data: dict[str, Any],
        user_id: int | None = None,
        *,
        platform: str | None = None,
        event_id: str | None = None,
    ) -> list[WebhookDelivery]:
        """Send an event that is not on the bus to the matching endpoints (signed, retried)."""
        audience = () if user_id is None else (user_id,)
        return await self._fan_out(event_type, data, platform, audience, user_id, event_id=event_id)

    async def _fan_out(
        self,
        event_type: str,
        data: dict[str, Any],
        platform: str | None,
        audience: tuple[int, ...],
        user_id: int | None,
        *,
        event_key: str | None = None,
        event_id: str | None = None,
        timestamp: str | None = None,
    ) -> list[WebhookDelivery]:
        if self._any_active is False:
            return []
        version = self._endpoints_version
        rows = await self.db.fetchall("SELECT * FROM webhook_endpoints WHERE active = 1")
        if version == self._endpoints_version:  # no endpoint changed while we read
            self._any_active = bool(rows)
        targets = [ep for ep in (_endpoint(r) for r in rows) if ep.matches(event_type, platform, audience)]
        if not targets:
            return []
        now = self.clock.time()
        envelope = {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "type": event_type,
            "data": data,
            "timestamp": timestamp or iso(now),
            "version": "1",
        }
        body = json.dumps(envelope, separators=(",", ":"), default=str)
        key = event_key or f"evt:{envelope['id']}"

        def run(conn: sqlite3.Connection) -> list[str]:
            created: list[str] = []
            for ep in targets:
                delivery_id = f"whd_{secrets.token_hex(10)}"
                cur = conn.execute(
                    "INSERT OR IGNORE INTO webhook_deliveries (id, endpoint_id, event_key, event_id, event_type, "
                    "user_id, body, status, attempts, next_attempt_at, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                    (delivery_id, ep.id, key, envelope["id"], event_type, user_id, body, now, now),
                )
                if cur.rowcount:
                    schedule_in(
                        conn,
                        WEBHOOK_JOB,
                        now,
                        {"delivery": delivery_id, "trigger": "initial"},
                        now=now,
                        ref=f"whd:{delivery_id}",
                    )
                    created.append(delivery_id)
            return created

        created: list[str] = await self.db.write(run)
        self.scheduler.wake()
        found = [await self.get_delivery(d) for d in created]
        return [d for d in found if d is not None]

    # -- attempts ---------------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self.transport, timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _on_due(self, job: Job) -> None:
        await self.attempt(str(job.payload["delivery"]), str(job.payload.get("trigger", "retry")))

    async def attempt(self, delivery_id: str, trigger: str = "resend") -> WebhookDelivery:
        """POST the delivery once, log the attempt, then deliver / schedule a retry / give up."""
        row = await self.db.fetchone(
            "SELECT d.id, d.body, d.status, d.event_id, d.event_type, e.url, e.secret FROM webhook_deliveries d "
            "JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?",
            (delivery_id,),
        )
        if row is None:
            raise NotFound(f"webhook delivery {delivery_id} not found", code="webhook_delivery_not_found")
        if trigger in _AUTOMATIC and row["status"] != "pending":
            existing = await self.get_delivery(delivery_id)
            assert existing is not None
            return existing
        body = row["body"].encode()
        envelope = json.loads(row["body"])
        headers = {
            "content-type": "application/json",
            "user-agent": "Paysandbox-Webhooks/1.0",
            SIGNATURE_HEADER: sign(row["secret"], body),
            "x-webhook-id": row["event_id"],
            "x-webhook-event": row["event_type"],
            "x-webhook-timestamp": str(envelope.get("timestamp", "")),
            "x-webhook-delivery": delivery_id,
        }
        attempted_at = self.clock.time()
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        response_body = ""
        try:
            response = await self._http().post(row["url"], content=body, headers=headers)
            status_code = response.status_code
            response_body = response.text[:500]
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
        duration_ms = (time.perf_counter() - started) * 1000.0
        ok = error is None
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> WebhookDelivery | None:
            current = conn.execute(
                "SELECT attempts, status FROM webhook_deliveries WHERE id = ?", (delivery_id,)
            ).fetchone()
            if current is None:  # endpoint removed meanwhile
                return None
            number = int(current["attempts"]) + 1
            conn.execute(
                "INSERT INTO webhook_attempts (delivery_id, attempt, trigger, attempted_at, status_code, error, "
                "duration_ms, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (delivery_id, number, trigger, attempted_at, status_code, error, duration_ms, response_body),
            )
            automatic = conn.execute(
                "SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = ? AND trigger IN ('initial', 'retry')",
                (delivery_id,),
            ).fetchone()[0]
            retry_pending = conn.execute(
                "SELECT 1 FROM scheduled_jobs WHERE ref = ? AND status = 'pending'", (f"whd:{delivery_id}",)
            ).fetchone()
            if ok:
                status, next_at = "delivered", None
                conn.execute(
                    "UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'",
                    (f"whd:{delivery_id}",),
                )
            elif trigger in _AUTOMATIC and automatic <= MAX_RETRIES:
                status, next_at = "pending", now + BACKOFF_SECONDS[automatic - 1]
                schedule_in(
                    conn,
                    WEBHOOK_JOB,
                    next_at,
                    {"delivery": delivery_id, "trigger": "retry"},
                    now=now,
                    ref=f"whd:{delivery_id}",
                )
            elif trigger not in _AUTOMATIC and retry_pending is not None:
                status = "pending"
                next_at = conn.execute(
                    "SELECT next_attempt_at FROM webhook_deliveries WHERE id = ?", (delivery_id,)
                ).fetchone()[0]
            else:
                status, next_at = "failed", None
            conn.execute(
                "UPDATE webhook_deliveries SET attempts = ?, status = ?, next_attempt_at = ?, last_status_code = ?, "
                "last_error = ?, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?",
                (number, status, next_at, status_code, error, ok, now, delivery_id),
            )
            return _delivery_in(conn, delivery_id)

        result: WebhookDelivery | None = await self.db.write(run)
        if result is None:
            raise NotFound(f"webhook delivery {delivery_id} not found", code="webhook_delivery_not_found")
        return result

    async def resend(self, delivery_id: str) -> WebhookDelivery:
        """One more attempt now, with the same body and signature (control API and console)."""
        return await self.attempt(delivery_id, "resend")

    # -- reads ------------------------------------------------------------------------------------
    async def get_delivery(self, delivery_id: str) -> WebhookDelivery | None:
        result: WebhookDelivery | None = await self.db.read(lambda c: _delivery_in(c, delivery_id))
        return result

    async def deliveries(
        self,
        *,
        status: str | None = None,
        endpoint_id: str | None = None,
        user_id: int | None = None,
        event_type: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[WebhookDelivery]:
        """Newest first, with their attempt logs."""

        def run(conn: sqlite3.Connection) -> list[WebhookDelivery]:
            sql = _DELIVERY_SQL + " WHERE 1=1"
            params: list[Any] = []
            for column, value in (
                ("d.status", status),
                ("d.endpoint_id", endpoint_id),
                ("d.user_id", user_id),
                ("d.event_type", event_type),
            ):
                if value is not None:
                    sql += f" AND {column} = ?"
                    params.append(value)
            sql += " ORDER BY d.created_at DESC, d.rowid DESC LIMIT ? OFFSET ?"
            params += [max(1, min(limit, 1000)), max(0, offset)]
            out: list[WebhookDelivery] = []
            for row in conn.execute(sql, tuple(params)).fetchall():
                attempts = conn.execute(
                    "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id", (row["id"],)
                ).fetchall()
                out.append(_delivery(row, tuple(_attempt(a) for a in attempts)))
            return out

        result: list[WebhookDelivery] = await self.db.read(run)
        return result
