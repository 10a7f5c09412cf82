"""/_sandbox/requests: the request journal of this sandbox (``app.sandbox.journal``), newest first."""

from __future__ import annotations

import fnmatch
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get
from litestar.params import Parameter, QueryParameter

from app.core.clock import parse_iso
from app.core.errors import NotFound, ValidationFailed
from app.core.numbers import INT64_MAX
from app.platform_paths import PlatformPaths
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox.journal import JournalEntry, RequestJournal
from app.sandbox.journal_view import entry_user, entry_view, matched_of, user_matches
from app.sandbox.schemas_faults import JournalCleared, JournalEntryFull, JournalEntryView, JournalPage


def _paths(request: Request[Any, Any, Any]) -> PlatformPaths:
    paths: PlatformPaths = request.app.state.platform_paths
    return paths


def _journal(sandbox: Sandbox) -> RequestJournal | None:
    return getattr(sandbox, "journal", None)


def _status_matches(entry: JournalEntry, wanted: str) -> bool:
    if entry.status is None:
        return False
    wanted = wanted.strip().lower()
    if len(wanted) == 3 and wanted.endswith("xx") and wanted[0].isdigit():
        return entry.status // 100 == int(wanted[0])
    return str(entry.status) == wanted


def _path_matches(entry: JournalEntry, wanted: str) -> bool:
    if any(ch in wanted for ch in "*?["):
        return fnmatch.fnmatchcase(entry.path, wanted)
    return wanted in entry.path


class RequestJournalController(Controller):
    path = "/requests"
    tags = ["sandbox: requests"]

    @get("/", summary="The request journal: every request and WebSocket frame, newest first")
    async def list_requests(
        self,
        request: Request[Any, Any, Any],
        sandbox: SandboxDep,
        platform: Annotated[
            str | None, QueryParameter(description="cashier, tribble, nivo, twallet, drop, sandbox, ...")
        ] = None,
        method: Annotated[str | None, QueryParameter(description="GET, POST, ... or WS for WebSocket entries")] = None,
        path: Annotated[str | None, QueryParameter(description="part of the path, or a glob (/api/v1/*)")] = None,
        status: Annotated[str | None, QueryParameter(description="a status (404) or a class (5xx)")] = None,
        user: Annotated[str | None, QueryParameter(description="the JWT's numeric user id or uuid")] = None,
        since: Annotated[
            str | None, QueryParameter(description="ISO-8601 sandbox time: entries at or after it")
        ] = None,
        unmatched: Annotated[bool, QueryParameter(description="only requests that do not fit the contract")] = False,
        injected: Annotated[bool, QueryParameter(description="only requests a fault was injected on")] = False,
        after: Annotated[
            int, QueryParameter(ge=0, le=INT64_MAX, description="only entries with a larger id (polling)")
        ] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> JournalPage:
        journal = _journal(sandbox)
        if journal is None:
            return JournalPage(requests=[], size=0, capacity=0, newest_id=None)
        paths = _paths(request)
        since_ts = None
        if since:
            try:
                since_ts = parse_iso(since)
            except (ValueError, OverflowError) as exc:
                raise ValidationFailed(f"since {since!r} is not an ISO-8601 instant", code="invalid_since") from exc
        wanted_method = method.upper() if method else None
        found: list[JournalEntryView] = []
        newest = None
        for entry in journal.newest_first():
            newest = entry.id if newest is None else newest
            if entry.id <= after:
                break
            if since_ts is not None and entry.clock < since_ts:
                continue  # not break: the sandbox clock may have been set back meanwhile
            if wanted_method and entry.method != wanted_method:
                continue
            if path and not _path_matches(entry, path):
                continue
            if status and not _status_matches(entry, status):
                continue
            if injected and not entry.injected:
                continue
            if unmatched and matched_of(entry, paths)[0] is not False:
                continue
            if platform and paths.platform_of(entry.path) != platform:
                continue
            if user and not user_matches(entry_user(entry), user):
                continue
            found.append(msgspec.convert(entry_view(entry, paths), JournalEntryView))
            if len(found) >= limit:
                break
        return JournalPage(requests=found, size=len(journal), capacity=journal.size, newest_id=newest)

    @get("/{entry_id:int}", summary="One journal entry with its headers and bodies (secrets redacted)")
    async def read_request(
        self,
        request: Request[Any, Any, Any],
        sandbox: SandboxDep,
        entry_id: Annotated[int, Parameter(ge=1, le=INT64_MAX, description="the entry's id")],
    ) -> JournalEntryFull:
        journal = _journal(sandbox)
        entry = journal.get(entry_id) if journal is not None else None
        if entry is None:
            raise NotFound(f"request {entry_id} is not in the journal", code="request_not_found")
        return msgspec.convert(entry_view(entry, _paths(request), full=True), JournalEntryFull)

    @delete("/", status_code=200, summary="Empty the request journal")
    async def clear_requests(self, sandbox: SandboxDep) -> JournalCleared:
        journal = _journal(sandbox)
        return JournalCleared(cleared=journal.clear() if journal is not None else 0)
