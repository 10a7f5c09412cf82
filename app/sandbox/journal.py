"""The request journal: every HTTP request and WebSocket frame of a sandbox, in a capped in-memory ring.

The request path only *records*: ``JournalEntry`` keeps raw values (the scope's header list, body
chunks as bytes, perf-counter stamps, the exception that made a request unmatched), and the ring
(``collections.deque(maxlen=...)``) evicts the oldest entry by itself. Decoding, redaction, JSON
parsing, the JWT's user and the platform name happen when the journal is read
(``app.sandbox.journal_view``), so a request pays for a few attribute writes and list appends.

``PAYSANDBOX_JOURNAL_SIZE`` caps every sandbox's ring (default 10,000 entries; 0 turns the journal
off: ``sandbox.journal`` is None and the edge records nothing). Bodies are kept up to
``BODY_LIMIT`` bytes each (8 KiB); longer ones are marked truncated.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from litestar.exceptions import ValidationException
from msgspec import DecodeError, ValidationError

from app.core.errors import ValidationFailed

if TYPE_CHECKING:
    from app.runtime import Sandbox

BODY_LIMIT = 8 * 1024
# scope["state"] key the app's exception handlers set when a request does not fit its contract.
INVALID_KEY = "paysandbox.unmatched"

# kinds of entry
HTTP = "http"
WS_IN = "ws_in"  # a frame the client sent
WS_OUT = "ws_out"  # a frame the server sent
WS_OPEN = "ws_open"  # the upgrade (accepted or refused)
WS_CLOSE = "ws_close"


class JournalEntry:
    """One recorded request or frame, raw. ``app.sandbox.journal_view.entry_view`` makes it readable."""

    __slots__ = (
        "id",
        "kind",
        "wall",
        "clock",
        "method",
        "path",
        "query",
        "headers",
        "request_id",
        "status",
        "started",
        "finished",
        "request_body",
        "request_size",
        "response_body",
        "response_size",
        "response_headers",
        "routed",
        "invalid",
        "injected",
        "dropped",
        "frame",
        "close_code",
        "credential",
    )

    def __init__(
        self, kind: str, method: str, path: str, query: bytes, headers: Any, wall: float, clock: float
    ) -> None:
        self.id = 0
        self.kind = kind
        self.wall = wall
        self.clock = clock
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers  # the scope's raw [(name, value)] list, decoded when read
        self.request_id: str | None = None
        self.status: int | None = None
        self.started = time.perf_counter()
        self.finished: float | None = None
        # Body chunks: an empty tuple until the first chunk (most GETs have none), joined into one
        # bytes when the entry joins the ring (RequestJournal.add), so a kept entry holds no lists.
        self.request_body: list[bytes] | tuple[bytes, ...] = ()
        self.request_size = 0
        self.response_body: list[bytes] | tuple[bytes, ...] = ()
        self.response_size = 0
        self.response_headers: Any = None
        self.routed: bool | None = None  # a route of the app matched (Litestar's scope["route_handler"])
        self.invalid: Any = None  # what made the body or parameters fail the contract (an exception or text)
        self.injected: str | None = None  # the fault injected on it (the X-Sandbox-Explain text)
        self.dropped = False  # the connection was closed with no (complete) response
        self.frame: Any = None  # WebSocket frames: the text or bytes
        self.close_code: int | None = None
        self.credential: Any = None  # a socket's auth frame (Socket.IO's CONNECT packet): the user when read

    def add_request_body(self, chunk: bytes) -> None:
        if self.request_size < BODY_LIMIT:
            if isinstance(self.request_body, list):
                self.request_body.append(chunk)
            else:
                self.request_body = [*self.request_body, chunk]
        self.request_size += len(chunk)

    def add_response_body(self, chunk: bytes) -> None:
        if self.response_size < BODY_LIMIT:
            if isinstance(self.response_body, list):
                self.response_body.append(chunk)
            else:
                self.response_body = [*self.response_body, chunk]
        self.response_size += len(chunk)

    def compact(self) -> None:
        """What the ring keeps: bodies as one bytes each and header pairs in tuples. Tuples of bytes
        leave the garbage collector's tracking, so 10,000 kept entries are 10,000 tracked objects,
        not five times that, for every collection to walk."""
        if isinstance(self.request_body, list):
            self.request_body = (b"".join(self.request_body),)
        if isinstance(self.response_body, list):
            self.response_body = (b"".join(self.response_body),)
        if type(self.headers) is list:
            self.headers = tuple(self.headers)
        if type(self.response_headers) is list:
            self.response_headers = tuple(self.response_headers)


class RequestJournal:
    """The ring of one sandbox's entries, oldest evicted first; ids grow from 1 and are never reused."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._ids = itertools.count(1)

    def add(self, entry: JournalEntry) -> JournalEntry:
        entry.compact()
        entry.id = next(self._ids)
        self._entries.append(entry)
        return entry

    def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        return count

    def newest_first(self) -> Iterator[JournalEntry]:
        return reversed(self._entries)

    def get(self, entry_id: int) -> JournalEntry | None:
        for entry in reversed(self._entries):
            if entry.id == entry_id:
                return entry
            if entry.id < entry_id:
                return None
        return None

    def __len__(self) -> int:
        return len(self._entries)


def mark_unmatched(scope: Any, exc: BaseException) -> None:
    """Called by the exception handlers: a validation failure means the request broke the contract.

    Keeps the exception (its detail is read when the journal is); a no-op for any other error.
    """
    if is_contract_violation(exc):
        state = scope.get("state")
        if state is not None:
            state[INVALID_KEY] = exc


def is_contract_violation(exc: BaseException) -> bool:
    return isinstance(exc, ValidationException | ValidationError | DecodeError | ValidationFailed)


def install(sandbox: Sandbox) -> None:
    """Every sandbox gets its ring (None when ``journal_size`` is 0: nothing is recorded)."""
    size = sandbox.settings.journal_size
    sandbox.journal = RequestJournal(size) if size > 0 else None
