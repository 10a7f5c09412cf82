"""msgspec shapes of every /_sandbox request and response (they document the control API in /schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Seconds = Annotated[float, msgspec.Meta(ge=0, le=3_153_600_000, description="seconds (at most 100 years)")]
SnapshotName = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        description="letters, digits, '_', '.', '-' (at most 64, no leading dot)",
    ),
]


class ErrorBody(msgspec.Struct):
    error: str
    message: str
    details: dict[str, Any] = msgspec.field(default_factory=dict)


# -- clock -------------------------------------------------------------------------------------
class ClockState(msgspec.Struct):
    now: str
    frozen: bool


class ClockAdvance(msgspec.Struct, forbid_unknown_fields=True):
    seconds: Seconds


class ClockSet(msgspec.Struct, forbid_unknown_fields=True):
    time: Annotated[str, msgspec.Meta(min_length=4, max_length=64, description="ISO-8601, e.g. 2026-01-31T12:00:00Z")]


# -- inbox, users, tokens ------------------------------------------------------------------------
class InboxMessage(msgspec.Struct):
    id: int | str
    channel: str
    to: str
    subject: str
    body: str
    code: str | None
    purpose: str | None
    created_at: str


class Inbox(msgspec.Struct):
    messages: list[InboxMessage]


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=320)]
    expires_in: Annotated[int, msgspec.Meta(ge=-315_360_000, le=315_360_000)] = 3600


class TokenMinted(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int
    expires_at: str
    jti: str
    user_id: int
    user_uuid: str
    email: str


class KycRequest(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["pending", "submitted", "approved", "rejected"]
    tier: Annotated[int, msgspec.Meta(ge=0, le=3)] | None = None


class AccountView(msgspec.Struct):
    id: int
    number: str
    currency: str
    purpose: str
    balance: int
    available: int
    pending_debit: int
    pending_credit: int
    is_active: bool
    is_locked: bool


class UserView(msgspec.Struct):
    id: int
    uuid: str
    email: str
    phone: str | None
    first_name: str
    last_name: str
    status: str
    kyc_status: str
    kyc_tier: int
    roles: list[str]
    totp_enabled: bool
    created_at: str
    accounts: list[AccountView] = msgspec.field(default_factory=list)


class UserList(msgspec.Struct):
    users: list[UserView]
    # Keyset cursors: ``?before=<next_before>`` is the next (older) page, ``?after=<prev_after>`` the
    # previous (newer) one; null when there is none.
    next_before: int | None = None
    prev_after: int | None = None


class TotpEnabled(msgspec.Struct):
    email: str
    secret: str
    otpauth_uri: str


# -- simulators, operations, magic ---------------------------------------------------------------
class Behaviour(msgspec.Struct):
    delay_seconds: float
    delay_max_seconds: float | None
    outcome: str
    failure_rate: float
    error_message: str


class SimulatorView(msgspec.Struct):
    name: str
    behaviour: Behaviour
    overrides: dict[str, Any]
    source: str
    description: str


class SimulatorList(msgspec.Struct):
    simulators: list[SimulatorView]


class SimulatorUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Partial behaviour: only the fields sent change; ``null`` clears an override (back to the default)."""

    delay_seconds: Seconds | None | msgspec.UnsetType = msgspec.UNSET
    delay_max_seconds: Seconds | None | msgspec.UnsetType = msgspec.UNSET
    outcome: Literal["success", "failure", "manual"] | None | msgspec.UnsetType = msgspec.UNSET
    failure_rate: Annotated[float, msgspec.Meta(ge=0, le=1)] | None | msgspec.UnsetType = msgspec.UNSET
    error_message: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None | msgspec.UnsetType = msgspec.UNSET


class OperationSettle(msgspec.Struct, forbid_unknown_fields=True):
    error_message: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class OperationView(msgspec.Struct):
    ref: str
    kind: str
    simulator: str
    status: str
    user_id: int | None
    amount: int
    currency: str
    planned_outcome: str
    due_at: str | None
    error_message: str | None
    explain: str | None
    rule: str | None
    settled_by: str | None
    created_at: str
    settled_at: str | None
    reversed_at: str | None


class OperationList(msgspec.Struct):
    operations: list[OperationView]


class MagicCatalogue(msgspec.Struct):
    magic: list[dict[str, Any]]
    # How to break a request on purpose (X-Sandbox-Fault, fault rules) and the rules in force.
    faults: dict[str, Any] = msgspec.field(default_factory=dict)


# -- snapshots ------------------------------------------------------------------------------------
class SnapshotCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: SnapshotName


class SnapshotView(msgspec.Struct):
    name: str
    created_at: str
    size: int


class SnapshotList(msgspec.Struct):
    snapshots: list[SnapshotView]


class Restored(msgspec.Struct):
    restored: str
    now: str
    frozen: bool


# -- events, webhooks, settings ------------------------------------------------------------------
class EventView(msgspec.Struct):
    id: int
    type: str
    user_id: int | None
    platform: str | None
    data: dict[str, Any]
    created_at: str
    also_users: list[int] = msgspec.field(default_factory=list)


class EventLog(msgspec.Struct):
    events: list[EventView]


class EmitRequest(msgspec.Struct, forbid_unknown_fields=True):
    user: int | str
    platform: Literal["cashier", "tribble", "nivo", "twallet", "drop"]
    type: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class WebhookAttemptView(msgspec.Struct):
    attempt: int
    trigger: str
    attempted_at: str
    status_code: int | None
    error: str | None
    duration_ms: float
    response_body: str
    ok: bool


class DeliveryView(msgspec.Struct):
    id: str
    endpoint_id: str
    url: str
    event_id: str
    event_type: str
    user_id: int | None
    status: str
    attempts: int
    next_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None
    payload: dict[str, Any]
    attempt_log: list[WebhookAttemptView]


class Deliveries(msgspec.Struct):
    deliveries: list[DeliveryView]


class EndpointCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2000)]
    user: int | str | None = None
    platform: Literal["cashier", "tribble", "nivo", "twallet", "drop"] | None = None
    event_types: list[Annotated[str, msgspec.Meta(min_length=1, max_length=120)]] | None = None
    secret: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""


class EndpointView(msgspec.Struct):
    id: str
    url: str
    user_id: int | None
    platform: str | None
    event_types: list[str] | None
    active: bool
    description: str
    created_at: str
    secret: str | None = None


class Endpoints(msgspec.Struct):
    endpoints: list[EndpointView]


class SettingsView(msgspec.Struct):
    rate_limits: bool


class SettingsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    rate_limits: bool | None = None
