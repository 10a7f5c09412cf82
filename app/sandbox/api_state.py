"""/_sandbox snapshots, reset, settings and the event log."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from litestar import Controller, delete, get, post, put
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.core.events import Event
from app.core.numbers import INT64_MAX
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox import snapshots
from app.sandbox.api_clock import clock_state
from app.sandbox.schemas import (
    EmitRequest,
    EventLog,
    EventView,
    Restored,
    SettingsUpdate,
    SettingsView,
    SnapshotCreate,
    SnapshotList,
    SnapshotView,
)
from app.sandbox.services import find_user, service


def _snapshot_view(info: snapshots.SnapshotInfo) -> SnapshotView:
    return SnapshotView(name=info.name, created_at=info.created_at, size=info.size)


def _restored(sandbox: Sandbox, what: str) -> Restored:
    state = clock_state(sandbox)
    return Restored(restored=what, now=state.now, frozen=state.frozen)


def event_view(event: Event) -> EventView:
    data = event.data if isinstance(event.data, dict) else {"value": event.data}
    return EventView(
        id=event.id,
        type=event.type,
        user_id=event.user_id,
        platform=event.platform,
        data=json.loads(json.dumps(data, default=str)),
        created_at=event.created_at,
        also_users=list(event.also_users),
    )


class SnapshotController(Controller):
    path = "/snapshots"
    tags = ["sandbox: snapshots"]

    @get("/", summary="List snapshots of this sandbox")
    async def list_snapshots(self, sandbox: SandboxDep) -> SnapshotList:
        found = await asyncio.to_thread(snapshots.list_snapshots, sandbox)
        return SnapshotList([_snapshot_view(i) for i in found])

    @post("/", status_code=HTTP_201_CREATED, summary="Snapshot the database (SQLite backup API, safe under load)")
    async def create_snapshot(self, sandbox: SandboxDep, data: SnapshotCreate) -> SnapshotView:
        return _snapshot_view(await snapshots.create_snapshot(sandbox, data.name))

    @post("/{name:str}/restore", status_code=HTTP_200_OK, summary="Restore a snapshot (clock and caches reload)")
    async def restore_snapshot(self, sandbox: SandboxDep, name: str) -> Restored:
        info = await snapshots.restore_snapshot(sandbox, name)
        return _restored(sandbox, info.name)

    @delete("/{name:str}", status_code=HTTP_204_NO_CONTENT, summary="Delete a snapshot")
    async def delete_snapshot(self, sandbox: SandboxDep, name: str) -> None:
        await asyncio.to_thread(snapshots.delete_snapshot, sandbox, name)


@post("/reset", status_code=HTTP_200_OK, tags=["sandbox: snapshots"], summary="Back to the seeded state")
async def reset_sandbox(sandbox: SandboxDep) -> Restored:
    source = await snapshots.reset_sandbox(sandbox)
    return _restored(sandbox, source)


def _settings_view(sandbox: Sandbox) -> SettingsView:
    limiter = getattr(sandbox, "ratelimits", None)
    enabled = bool(getattr(limiter, "enabled", sandbox.settings.rate_limits))
    return SettingsView(rate_limits=enabled)


class SettingsController(Controller):
    path = "/settings"
    tags = ["sandbox: settings"]

    @get("/", summary="Runtime settings of this sandbox")
    async def read_settings(self, sandbox: SandboxDep) -> SettingsView:
        return _settings_view(sandbox)

    @put("/", summary="Change runtime settings (rate_limits: false lifts every platform's rate limits)")
    async def update_settings(self, sandbox: SandboxDep, data: SettingsUpdate) -> SettingsView:
        if data.rate_limits is not None:
            service(sandbox, "ratelimits").enabled = data.rate_limits
        return _settings_view(sandbox)


class EventController(Controller):
    path = "/events"
    tags = ["sandbox: events"]

    @get("/", summary="The event log (every event published on the bus), oldest first")
    async def list_events(
        self,
        sandbox: SandboxDep,
        after: Annotated[int, QueryParameter(ge=0, le=INT64_MAX, description="only events with a larger id")] = 0,
        event_type: Annotated[str | None, QueryParameter(name="type", description="exact event type")] = None,
        user: Annotated[str | None, QueryParameter(description="email, numeric id or uuid")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> EventLog:
        user_id = None
        if user:
            user_id = int((await find_user(sandbox, user)).id)
        events = await sandbox.events.log(after=after, type=event_type, user_id=user_id, limit=limit)
        return EventLog([event_view(e) for e in events])

    @post("/emit", status_code=HTTP_200_OK, summary="Publish any event to a user's sockets and webhooks")
    async def emit_event(self, sandbox: SandboxDep, data: EmitRequest) -> EventView:
        user = await find_user(sandbox, data.user)
        payload: dict[str, Any] = dict(data.data)
        event = await sandbox.events.publish(Event(data.type, payload, int(user.id), data.platform))
        return event_view(event)
