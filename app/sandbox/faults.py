"""Fault rules: break requests of the API itself on purpose (``/_sandbox/faults``, ``X-Sandbox-Fault``).

A ``FaultRule`` says which requests it hits (``platform``, ``method``, ``path`` as a glob such as
``/api/v1/*`` or an OpenAPI template such as ``/api/v1/transactions/{id}``, ``ws_type`` for
WebSocket frames, ``user``: the JWT's numeric id or uuid), how often (``probability`` 0-1,
``times``: fire N times, then the rule expires) and what happens (``action``):

- ``delay``: wait ``ms`` (or a random time in ``ms``..``max_ms``) before the handler runs;
- ``status``: answer ``status`` in the platform's error envelope; the handler never runs;
- ``drop``: close the connection with no response (a WebSocket: close it with ``close_code``);
  ``when: after`` lets the handler run and commit, then loses the response;
- ``timeout``: hold the request ``ms``, then drop it (the handler never runs).

Rules are stored per sandbox in ``sandbox_fault_rules`` (migration 0900), so they travel with
snapshots; ``FaultBook`` keeps them in memory (reloaded on every start hook: start, restore,
reset). Rules never hit ``/_sandbox/faults`` and ``/_sandbox/requests`` themselves (``EXEMPT``), so
a rule matching ``*`` can always be removed. The request path asks ``book.rules`` (a list: empty
means no check at all) and only then ``book.pick(...)``.

``parse_one_off`` reads the ``X-Sandbox-Fault`` header (and ``?sandbox_fault=`` of a WebSocket
upgrade): ``status=503``, ``delay=2000``, ``delay=100-300``, ``drop``, ``drop=after``,
``timeout=3000``, ``close=4000`` (a WebSocket's close code), joined with ``;`` or ``,``.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import random
import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.errors import ValidationFailed

if TYPE_CHECKING:
    from app.runtime import Sandbox

ACTIONS = ("delay", "status", "drop", "timeout")
WHEN = ("before", "after")
MAX_HOLD_MS = 600_000
DEFAULT_CLOSE_CODE = 1011
TABLE = "sandbox_fault_rules"
# Never hit by a rule, so a rule matching "*" cannot lock the client out of removing it (or of reading
# the journal); the X-Sandbox-Fault header still applies there.
EXEMPT = ("/_sandbox/faults", "/_sandbox/requests")


def path_pattern(path: str) -> re.Pattern[str]:
    """A glob (``*``, ``?``, ``[...]``) or an OpenAPI template (``{id}``: one path segment)."""
    if "{" in path:
        parts = re.split(r"(\{[^}/]+\})", path)
        regex = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
        return re.compile(f"^{regex}/?$")
    return re.compile(fnmatch.translate(path))


@dataclass(slots=True)
class FaultRule:
    id: str
    action: str
    path: str = "*"
    platform: str | None = None
    method: str | None = None
    ws_type: str | None = None
    probability: float = 1.0
    times: int | None = None  # fires left; None: no limit
    user: str | None = None
    ms: int = 0
    max_ms: int | None = None
    status: int = 503
    message: str | None = None
    when: str = "before"
    close_code: int = DEFAULT_CLOSE_CODE
    fired: int = 0
    pattern: re.Pattern[str] = field(default=re.compile(""), repr=False, compare=False)

    def __post_init__(self) -> None:
        self.pattern = path_pattern(self.path or "*")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("pattern")
        return data

    def hold_seconds(self, rng: random.Random) -> float:
        if self.max_ms is not None and self.max_ms > self.ms:
            return rng.uniform(self.ms, self.max_ms) / 1000
        return self.ms / 1000

    def explain(self) -> str:
        """The ``X-Sandbox-Explain`` text naming this rule and what it did."""
        what = {
            "delay": f"delay {self.ms}" + (f"-{self.max_ms}" if self.max_ms else "") + " ms",
            "status": f"status {self.status}",
            "drop": "drop" + (" after the handler" if self.when == "after" else ""),
            "timeout": f"timeout after {self.ms} ms",
        }[self.action]
        origin = "X-Sandbox-Fault header" if self.id == "header" else f"fault rule {self.id}"
        return f"injected fault: {what} ({origin})"


def check_rule(rule: FaultRule) -> FaultRule:
    """Refuse a rule that cannot work (ValidationFailed, code ``invalid_fault_rule``)."""
    problems: list[str] = []
    if rule.action not in ACTIONS:
        problems.append(f"action must be one of {', '.join(ACTIONS)}")
    if not 0 <= rule.probability <= 1:
        problems.append("probability must be between 0 and 1")
    if rule.times is not None and rule.times < 1:
        problems.append("times must be at least 1")
    if not 0 <= rule.ms <= MAX_HOLD_MS or (rule.max_ms is not None and not rule.ms <= rule.max_ms <= MAX_HOLD_MS):
        problems.append(f"ms (and max_ms, not below ms) must be between 0 and {MAX_HOLD_MS}")
    if not 400 <= rule.status <= 599:
        problems.append("status must be a 4xx or 5xx code")
    if rule.when not in WHEN:
        problems.append("when must be before or after")
    if rule.when == "after" and rule.action != "drop":
        problems.append("when: after applies to drop only")
    if not (rule.close_code == 1000 or 1001 <= rule.close_code <= 1014 or 3000 <= rule.close_code <= 4999):
        problems.append("close_code must be a WebSocket close code (1000-1014, 3000-4999)")
    if rule.method is not None:
        rule.method = rule.method.upper()
    if not rule.path.startswith(("/", "*")):
        problems.append("path must start with / (or be a glob such as *)")
    if problems:
        raise ValidationFailed("; ".join(problems), code="invalid_fault_rule", details={"problems": problems})
    return rule


def parse_one_off(text: str) -> FaultRule:
    """The rule an ``X-Sandbox-Fault`` header (or ``?sandbox_fault=``) asks for."""
    rule = FaultRule(id="header", action="")
    for part in text.replace(",", ";").split(";"):
        key, _, value = part.strip().partition("=")
        key = key.strip().lower()
        value = value.strip()
        try:
            if key == "status":
                rule.action, rule.status = "status", int(value)
            elif key in ("delay", "timeout"):
                low, _, high = value.partition("-")
                rule.action, rule.ms = key, int(low)
                rule.max_ms = int(high) if high else None
            elif key == "drop":
                rule.action = "drop"
                rule.when = value.lower() or "before"
            elif key == "close":
                rule.close_code = int(value)
                rule.action = rule.action or "drop"
            elif key:
                raise ValidationFailed(f"unknown fault {key!r}", code="invalid_fault_rule")
        except ValueError as exc:
            raise ValidationFailed(
                f"X-Sandbox-Fault {text!r}: {key} needs a number", code="invalid_fault_rule"
            ) from exc
    if not rule.action:
        raise ValidationFailed(
            "X-Sandbox-Fault needs one of status=<code>, delay=<ms>, drop, drop=after, timeout=<ms>",
            code="invalid_fault_rule",
        )
    return check_rule(rule)


def rule_from(data: dict[str, Any], rule_id: str) -> FaultRule:
    known = {k: v for k, v in data.items() if k in FaultRule.__dataclass_fields__ and k not in ("pattern", "id")}
    try:
        rule = FaultRule(id=rule_id, **known)
    except (TypeError, re.error) as exc:
        raise ValidationFailed(f"fault rule {rule_id}: {exc}", code="invalid_fault_rule") from exc
    return check_rule(rule)


class FaultBook:
    """The fault rules of one sandbox: in memory for the request path, persisted in its database."""

    def __init__(self, sandbox: Sandbox, seed: int | None = None) -> None:
        self.sandbox = sandbox
        self.rules: list[FaultRule] = []
        self.rng = random.Random(seed)
        self._pending: set[asyncio.Future[Any]] = set()

    # -- the request path --------------------------------------------------------------------
    def pick(
        self,
        *,
        method: str,
        path: str,
        platform_of: Callable[[str], str],
        user_of: Callable[[], str | None],
        ws_type: str | None = None,
    ) -> FaultRule | None:
        """The first rule matching this request (or frame) that fires now; counts it and expires it."""
        if path.startswith(EXEMPT):
            return None
        platform: str | None = None
        user: str | None | bool = False
        for rule in self.rules:
            if (rule.ws_type is None) != (ws_type is None) or (ws_type is not None and rule.ws_type != ws_type):
                continue
            if rule.method is not None and rule.method != method:
                continue
            if not rule.pattern.match(path):
                continue
            if rule.platform is not None:
                platform = platform or platform_of(path)
                if rule.platform != platform:
                    continue
            if rule.user is not None:
                if user is False:
                    user = user_of()
                if user is None or rule.user.lower() not in str(user).lower().split("|"):
                    continue
            if rule.probability < 1 and self.rng.random() >= rule.probability:
                continue
            self._fired(rule)
            return rule
        return None

    def _fired(self, rule: FaultRule) -> None:
        rule.fired += 1
        if rule.times is None:
            return  # the count of an unlimited rule lives in memory: no write per faulted request
        rule.times -= 1
        if rule.times <= 0:
            self.rules = [r for r in self.rules if r is not rule]
            self._persist(lambda conn: _delete(conn, rule.id))
        else:
            self._persist(lambda conn: _update(conn, rule))

    def _persist(self, fn: Callable[[sqlite3.Connection], Any]) -> None:
        future = self.sandbox.db.write(fn)
        self._pending.add(future)
        future.add_done_callback(_settled(self._pending))

    # -- management ---------------------------------------------------------------------------
    async def load(self) -> None:
        self.rules = await self.sandbox.db.read(_load)

    async def put(self, rules: list[FaultRule]) -> list[FaultRule]:
        """Add the rules, replacing any with the same id (kept in their place)."""
        by_id = {r.id: r for r in rules}
        kept = [by_id.pop(r.id) if r.id in by_id else r for r in self.rules]
        merged = kept + [r for r in rules if r.id in by_id]
        await self.sandbox.db.write(lambda conn: _save_all(conn, merged))
        self.rules = merged
        return merged

    async def remove(self, rule_id: str) -> bool:
        found = any(r.id == rule_id for r in self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        await self.sandbox.db.write(lambda conn: _delete(conn, rule_id))
        return found

    async def clear(self) -> int:
        count = len(self.rules)
        self.rules = []
        await self.sandbox.db.write(lambda conn: _save_all(conn, []))
        return count

    async def settle(self) -> None:
        """Wait for the counters the request path saved in the background (tests, shutdown)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)


def _settled(pending: set[asyncio.Future[Any]]) -> Callable[[asyncio.Future[Any]], None]:
    def done(future: asyncio.Future[Any]) -> None:
        pending.discard(future)
        if not future.cancelled():
            future.exception()  # retrieved: a failed counter update is not worth a warning per request

    return done


def _row(rule: FaultRule) -> tuple[str, str]:
    return rule.id, json.dumps(rule.as_dict(), separators=(",", ":"))


def _load(conn: sqlite3.Connection) -> list[FaultRule]:
    rules: list[FaultRule] = []
    for rule_id, text in conn.execute(f"SELECT id, rule FROM {TABLE} ORDER BY position, id"):
        data = json.loads(text)
        fired = int(data.pop("fired", 0))
        try:
            rule = rule_from(data, rule_id)
        except ValidationFailed:
            continue  # a rule this version cannot read is skipped, not fatal
        rule.fired = fired
        rules.append(rule)
    return rules


def _save_all(conn: sqlite3.Connection, rules: list[FaultRule]) -> None:
    conn.execute(f"DELETE FROM {TABLE}")
    conn.executemany(
        f"INSERT INTO {TABLE} (id, position, rule) VALUES (?, ?, ?)",
        [(*_row(rule)[:1], position, _row(rule)[1]) for position, rule in enumerate(rules)],
    )


def _update(conn: sqlite3.Connection, rule: FaultRule) -> None:
    rule_id, text = _row(rule)
    conn.execute(f"UPDATE {TABLE} SET rule = ? WHERE id = ?", (text, rule_id))


def _delete(conn: sqlite3.Connection, rule_id: str) -> None:
    conn.execute(f"DELETE FROM {TABLE} WHERE id = ?", (rule_id,))


def install(sandbox: Sandbox) -> None:
    """Every sandbox gets its fault book; each start hook (start, restore, reset) reloads it."""
    book = FaultBook(sandbox)
    sandbox.faults = book

    async def reload(box: Sandbox) -> None:
        await book.load()

    async def settle(box: Sandbox) -> None:
        await book.settle()

    sandbox.on_start(reload)
    sandbox.on_stop(settle)
