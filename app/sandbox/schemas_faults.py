"""msgspec shapes of ``/_sandbox/requests`` (the request journal) and ``/_sandbox/faults`` (fault rules)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Millis = Annotated[int, msgspec.Meta(ge=0, le=600_000, description="milliseconds (at most 10 minutes)")]


# -- the request journal -------------------------------------------------------------------------
class JournalUser(msgspec.Struct):
    id: int | str | None
    uuid: str | None
    platform: str | None


class JournalBody(msgspec.Struct, omit_defaults=True):
    size: int
    truncated: bool
    json: Any = None  # the body parsed as JSON (redacted)
    form: dict[str, Any] | None = None  # a form-encoded body (redacted)
    text: str | None = None  # anything else, as text (redacted)


class JournalEntryView(msgspec.Struct):
    id: int
    kind: Literal["http", "ws_open", "ws_in", "ws_out", "ws_close"]
    time: str
    wall_time: str
    platform: str
    method: str
    path: str
    query: str
    frame_type: str | None
    status: int | None
    close_code: int | None
    latency_ms: float | None
    user: JournalUser | None
    request_id: str | None
    matched: bool | None
    unmatched_reason: str | None
    injected: str | None
    dropped: bool


class JournalEntryFull(JournalEntryView):
    request_headers: dict[str, str]
    response_headers: dict[str, str]
    request_body: JournalBody | None
    response_body: JournalBody | None
    frame: dict[str, Any] | None = None


class JournalPage(msgspec.Struct):
    requests: list[JournalEntryView]
    size: int  # entries held now
    capacity: int  # PAYSANDBOX_JOURNAL_SIZE (0: the journal is off)
    newest_id: int | None


class JournalCleared(msgspec.Struct):
    cleared: int


# -- fault rules -----------------------------------------------------------------------------------
class FaultRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    action: Literal["delay", "status", "drop", "timeout"]
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=500, description="glob or OpenAPI template")] = "*"
    id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{1,64}$")] | None = None
    platform: str | None = None
    method: str | None = None
    ws_type: (
        Annotated[str, msgspec.Meta(max_length=100, description="WebSocket frame type / Socket.IO event")] | None
    ) = None
    probability: Annotated[float, msgspec.Meta(ge=0, le=1)] = 1.0
    times: Annotated[int, msgspec.Meta(ge=1, le=1_000_000, description="fire N times, then expire")] | None = None
    user: Annotated[str, msgspec.Meta(max_length=100, description="the JWT's numeric user id or uuid")] | None = None
    ms: Millis = 0
    max_ms: Millis | None = None
    status: Annotated[int, msgspec.Meta(ge=400, le=599)] = 503
    message: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    when: Literal["before", "after"] = "before"
    close_code: Annotated[int, msgspec.Meta(ge=1000, le=4999)] = 1011


class FaultRulesPut(msgspec.Struct, forbid_unknown_fields=True):
    rules: Annotated[list[FaultRuleIn], msgspec.Meta(min_length=1, max_length=100)]


class FaultRuleView(msgspec.Struct):
    id: str
    action: str
    path: str
    platform: str | None
    method: str | None
    ws_type: str | None
    probability: float
    times: int | None  # fires left (None: no limit)
    user: str | None
    ms: int
    max_ms: int | None
    status: int
    message: str | None
    when: str
    close_code: int
    fired: int


class FaultRules(msgspec.Struct):
    rules: list[FaultRuleView]
