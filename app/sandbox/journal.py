"""The request journal: every HTTP request and WebSocket frame of a sandbox, in a capped in-memory ring.

The request path only *records*: one tuple of raw values per request or frame (the scope's header
pairs, the body as sent, perf-counter stamps, the exception that made a request unmatched; the
order is ``FIELDS``), appended to a ring (``collections.deque(maxlen=...)``) that evicts the oldest
entry by itself. Decoding, redaction, JSON parsing, the JWT's user and the platform name happen when
the journal is read (``JournalEntry`` views, ``app.sandbox.journal_view``), so a request pays for a
few local variables and one tuple.

``PAYSANDBOX_JOURNAL_SIZE`` caps every sandbox's ring (default 10,000 entries; 0 turns the journal
off: ``sandbox.journal`` is None and the edge records nothing). Bodies are kept up to
``BODY_LIMIT`` bytes each (8 KiB); longer ones are marked truncated.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from litestar.exceptions import ValidationException
from msgspec import DecodeError, ValidationError

from app.core.errors import ValidationFailed

if TYPE_CHECKING:
    from app.runtime import Sandbox

BODY_LIMIT = 8 * 1024
# Wall-clock time of a perf-counter stamp (one clock read per entry instead of two); an entry's wall
# time is for display, the sandbox clock's is what filters use.
WALL_OFFSET = time.time() - time.perf_counter()
# scope["state"] key the app's exception handlers set when a request does not fit its contract.
INVALID_KEY = "paysandbox.unmatched"

# kinds of entry
HTTP = "http"
WS_IN = "ws_in"  # a frame the client sent
WS_OUT = "ws_out"  # a frame the server sent
WS_OPEN = "ws_open"  # the upgrade (accepted or refused)
WS_CLOSE = "ws_close"


# A kept entry is one plain tuple in this order (``RequestJournal.append``): a tuple of strings, numbers,
# bytes and None leaves the garbage collector's tracking at its first collection, so 10,000 kept
# entries cost the collector nothing (a slotted object per entry was walked by every full collection).
FIELDS = (
    "id",
    "kind",
    "wall",
    "clock",
    "method",
    "path",
    "query",
    "headers",  # the request's raw ((name, value), ...) pairs, decoded when read
    "request_id",
    "status",
    "started",  # perf-counter stamps: latency
    "finished",
    "request_body",  # bytes up to about BODY_LIMIT (b"": none), request_size its full length
    "request_size",
    "response_body",
    "response_size",
    "response_headers",
    "routed",  # a route of the app matched (Litestar's scope["route_handler"]); None: unknown (a fault)
    "invalid",  # what made the body or parameters fail the contract (an exception or text)
    "injected",  # the fault injected on it (the X-Sandbox-Explain text)
    "dropped",  # the connection was closed with no (complete) response
    "frame",  # WebSocket frames: the text or bytes
    "close_code",
    "credential",  # a socket's auth frame (Socket.IO's CONNECT packet): the user when read
)

# A frame (``ws_in`` / ``ws_out`` with no fault on it) is kept in a short form, ``(id, kind, stamp,
# clock, frame, socket)``: ``stamp`` its perf-counter time, ``socket`` the tuple its socket shares with
# all its frames, ``(method, path, query, headers, credential)`` (``socket_constants``). Reading
# expands it to the FIELDS (``JournalEntry.of``).
FRAME_LENGTH = 6


def socket_constants(method: str, path: str, query: bytes, headers: Any, credential: Any) -> tuple[Any, ...]:
    """What every frame of one socket shares (rebuilt once when its credential arrives)."""
    return (method, path, query, headers, credential)


class JournalEntry:
    """One recorded request or frame, for reading (``app.sandbox.journal_view.entry_view``): the kept
    tuple's fields by name. Built when the journal is read, or by hand (tests, ``RequestJournal.add``)."""

    __slots__ = FIELDS

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
        self.headers = headers
        self.request_id: str | None = None
        self.status: int | None = None
        self.started = time.perf_counter()
        self.finished: float | None = None
        self.request_body = b""
        self.request_size = 0
        self.response_body = b""
        self.response_size = 0
        self.response_headers: Any = None
        self.routed: bool | None = None
        self.invalid: Any = None
        self.injected: str | None = None
        self.dropped = False
        self.frame: Any = None
        self.close_code: int | None = None
        self.credential: Any = None

    @classmethod
    def of(cls, record: tuple[Any, ...]) -> JournalEntry:
        entry = cls.__new__(cls)
        for name, value in zip(FIELDS, record if len(record) != FRAME_LENGTH else _expand(record), strict=True):
            setattr(entry, name, value)
        return entry

    def record(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIELDS)


def _expand(frame: tuple[Any, ...]) -> tuple[Any, ...]:
    entry_id, kind, stamp, clock, data, (method, path, query, headers, credential) = frame
    return (
        entry_id, kind, stamp + WALL_OFFSET, clock, method, path, query, headers, None, None, stamp, stamp,
        b"", 0, b"", 0, None, True, None, None, False, data, None, credential,
    )  # fmt: skip


def keep_body(kept: bytes, chunk: bytes) -> bytes:
    """A body as kept: chunks joined while under BODY_LIMIT (one chunk, the usual case, is kept as sent)."""
    if not kept:
        return chunk
    return kept + chunk if len(kept) < BODY_LIMIT else kept


def as_tuple(headers: Any) -> Any:
    return headers if headers is None or type(headers) is tuple else tuple(headers)


class RequestJournal:
    """The ring of one sandbox's entries, oldest evicted first; ids grow from 1 and are never reused."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=size)
        self._ids = itertools.count(1)
        # The request path's two calls (both C): ``journal.keep((journal.next_id(), kind, ...))``, a
        # tuple in FIELDS order.
        self.next_id: Callable[[], int] = self._ids.__next__
        self.keep: Callable[[tuple[Any, ...]], None] = self._entries.append

    def add(self, entry: JournalEntry) -> JournalEntry:
        """Keep an entry built by hand (its headers as a tuple); sets its id."""
        entry.id = self.next_id()
        entry.headers = as_tuple(entry.headers)
        entry.response_headers = as_tuple(entry.response_headers)
        self._entries.append(entry.record())
        return entry

    def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        return count

    def newest_first(self) -> Iterator[JournalEntry]:
        return (JournalEntry.of(record) for record in reversed(self._entries))

    def get(self, entry_id: int) -> JournalEntry | None:
        for record in reversed(self._entries):
            if record[0] == entry_id:
                return JournalEntry.of(record)
            if record[0] < entry_id:
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
