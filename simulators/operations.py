"""The generic pending-operation state machine shared by every simulator.

``start`` stores an operation (a Cashier deposit, a UPI deposit, a card payment, an airtime
top-up, ...) and, unless the outcome is ``manual``, schedules its settlement on the sandbox
clock in the same transaction. When it becomes due (or when the control API settles it), the
operation is *claimed* (``pending`` -> ``settling``) so only one settler ever runs, the owner's
registered handler posts to the ledger and publishes its events, then the final status
(``completed`` / ``failed``) is written. ``reverse`` does the same from ``completed`` to
``reversed``.

::

    pending --(due / control complete)--> settling --> completed --(reverse)--> settling --> reversed
       |   \\--(due failure / control fail)--> settling --> failed
       \\--(cancel by owner)--> cancelled

A crash while ``settling`` puts the row back where it came from at the next start and, for a
settlement, schedules it again right away; owners post with the idempotency key
``f"op:{op.ref}:{outcome.status}"`` so the second run posts nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.clock import SandboxClock
from app.core.errors import Conflict, IdempotencyMismatch, NotFound, ValidationFailed
from app.core.scheduler import Job, Scheduler, schedule_in
from simulators import magic
from simulators.settings import effective_in

log = logging.getLogger("paysandbox.simulators")

SETTLE_JOB = "simulators.settle_operation"
# Set by ``held_pending``: operations started in that context stay pending (outcome ``manual``)
# whatever the simulator settings or magic values say; the value is the explanation stored.
_HELD: contextvars.ContextVar[str | None] = contextvars.ContextVar("paysandbox_held_operations", default=None)


@contextlib.contextmanager
def held_pending(explain: str) -> Iterator[None]:
    """Operations started inside stay ``pending`` until settled (fixtures build pending states with it).

    A ContextVar, read by ``start`` on the event loop: it follows the awaits of the task that set it
    and no other request's operations."""
    token = _HELD.set(explain)
    try:
        yield
    finally:
        _HELD.reset(token)
_SECRET_INPUTS = {"card_number", "number", "cvv", "cvc", "pin", "password"}
_FINAL = {"completed": "completed", "failed": "failed", "reversed": "reversed"}


@dataclass(frozen=True, slots=True)
class Plan:
    ref: str
    outcome: str  # success | failure | manual
    due_at: float | None
    delay_seconds: float | None
    error_message: str | None
    explain: str | None
    rule: str | None = None  # magic rule name, or None when the simulator behaviour decided
    status: str = "pending"  # current status (a repeated start returns the stored operation's plan)
    code: str | None = None  # machine code of a magic failure (card_declined, timeout, ...)


@dataclass(frozen=True, slots=True)
class Operation:
    ref: str
    kind: str
    simulator: str
    user_id: int | None
    amount: int
    currency: str
    inputs: dict[str, Any]
    payload: dict[str, Any]
    status: str  # pending | settling | completed | failed | reversed | cancelled
    planned_outcome: str
    due_at: float | None
    delay_seconds: float | None
    error_message: str | None
    explain: str | None
    rule: str | None
    settled_by: str | None
    created_at: float
    settled_at: float | None
    reversed_at: float | None

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    def plan(self) -> Plan:
        code = None
        if self.rule:
            found = magic.get(self.rule)
            code = found.code if found else None
        return Plan(
            self.ref,
            self.planned_outcome,
            self.due_at,
            self.delay_seconds,
            self.error_message,
            self.explain,
            self.rule,
            self.status,
            code,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "simulator": self.simulator,
            "user_id": self.user_id,
            "amount": self.amount,
            "currency": self.currency,
            "inputs": self.inputs,
            "payload": self.payload,
            "status": self.status,
            "planned_outcome": self.planned_outcome,
            "due_at": self.due_at,
            "delay_seconds": self.delay_seconds,
            "error_message": self.error_message,
            "explain": self.explain,
            "rule": self.rule,
            "settled_by": self.settled_by,
            "created_at": self.created_at,
            "settled_at": self.settled_at,
            "reversed_at": self.reversed_at,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # completed | failed | reversed
    error_message: str | None = None
    explain: str | None = None
    trigger: str = "scheduled"  # scheduled | control | owner | recovery
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status == "completed"


SettleHandler = Callable[[Operation, Outcome], Awaitable[None]]


def _row_to_operation(row: sqlite3.Row) -> Operation:
    return Operation(
        row["ref"],
        row["kind"],
        row["simulator"],
        row["user_id"],
        row["amount"],
        row["currency"],
        json.loads(row["inputs"]),
        json.loads(row["payload"]),
        row["status"],
        row["planned_outcome"],
        row["due_at"],
        row["delay_seconds"],
        row["error_message"],
        row["explain"],
        row["rule"],
        row["settled_by"],
        row["created_at"],
        row["settled_at"],
        row["reversed_at"],
    )


def get_in(conn: sqlite3.Connection, ref: str) -> Operation | None:
    row = conn.execute("SELECT * FROM sim_operations WHERE ref = ?", (ref,)).fetchone()
    return _row_to_operation(row) if row else None


def _safe_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What is stored of the inputs: never card numbers, CVVs or PINs (only the last 4 digits)."""
    clean: dict[str, Any] = {}
    for key, value in inputs.items():
        if key in _SECRET_INPUTS:
            if key in ("card_number", "number") and value:
                clean["card_last4"] = magic.digits(value)[-4:]
            continue
        clean[key] = value
    return clean


class OperationService:
    """``hub.operations``."""

    def __init__(self, db: Any, clock: SandboxClock, scheduler: Scheduler, rng: random.Random) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        self.rng = rng
        self._handlers: dict[str, SettleHandler] = {}
        scheduler.register(SETTLE_JOB, self._on_due)

    # -- owners ------------------------------------------------------------------------------
    def register(self, kind: str, settle: SettleHandler) -> None:
        """The owner of ``kind`` settles it: ledger postings (key ``op:{ref}:{status}``) and events."""
        self._handlers[kind] = settle

    def handler(self, kind: str) -> SettleHandler | None:
        return self._handlers.get(kind)

    async def start(
        self,
        kind: str,
        ref: str,
        *,
        simulator: str,
        user_id: int | None,
        amount: int,
        currency: str,
        inputs: Mapping[str, Any] | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> Plan:
        """Store the operation and schedule its settlement. Starting the same ref again returns its plan."""
        if not ref or len(ref) > 200:
            raise ValidationFailed("operation ref must be 1-200 characters", code="invalid_ref")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationFailed("amount must be an integer in minor units", code="invalid_amount")
        now = self.clock.time()
        given = dict(inputs or {})
        given.setdefault("amount", amount)
        given.setdefault("currency", currency)
        stored_payload = json.dumps(dict(payload or {}), separators=(",", ":"), default=str)
        held = _HELD.get()

        def run(conn: sqlite3.Connection) -> Plan:
            existing = get_in(conn, ref)
            if existing is not None:
                differs = [
                    name
                    for name, a, b in (
                        ("kind", existing.kind, kind),
                        ("amount", existing.amount, amount),
                        ("currency", existing.currency, currency),
                        ("user_id", existing.user_id, user_id),
                    )
                    if a != b
                ]
                if differs:
                    raise IdempotencyMismatch(
                        f"operation {ref} exists with different {', '.join(differs)}", differs=differs
                    )
                return existing.plan()
            plan = self._decide_in(conn, ref, simulator, given, now)
            if held is not None:
                plan = Plan(ref, "manual", None, None, None, held, None, "pending", None)
            conn.execute(
                "INSERT INTO sim_operations (ref, kind, simulator, user_id, amount, currency, inputs, payload, "
                "status, planned_outcome, due_at, delay_seconds, error_message, explain, rule, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    kind,
                    simulator,
                    user_id,
                    amount,
                    currency,
                    json.dumps(_safe_inputs(given), separators=(",", ":"), default=str),
                    stored_payload,
                    plan.outcome,
                    plan.due_at,
                    plan.delay_seconds,
                    plan.error_message,
                    plan.explain,
                    plan.rule,
                    now,
                ),
            )
            if plan.due_at is not None:
                schedule_in(conn, SETTLE_JOB, plan.due_at, {"ref": ref}, now=now, ref=f"op:{ref}")
            return plan

        plan: Plan = await self.db.write(run)
        if plan.due_at is not None:
            self.scheduler.wake()
        return plan

    def _decide_in(
        self, conn: sqlite3.Connection, ref: str, simulator: str, inputs: dict[str, Any], now: float
    ) -> Plan:
        token = inputs.get("card_token")
        if token and not inputs.get("card_behaviour"):
            row = conn.execute("SELECT behaviour FROM sim_card_tokens WHERE token = ?", (token,)).fetchone()
            if row is not None:
                inputs["card_behaviour"] = row[0]
        behaviour, source = effective_in(conn, simulator)
        rule = magic.evaluate(simulator, inputs)
        if behaviour.delay_max_seconds is not None:
            delay = self.rng.uniform(behaviour.delay_seconds, behaviour.delay_max_seconds)
        else:
            delay = behaviour.delay_seconds
        if rule is not None:
            outcome = rule.outcome
            error = rule.error_message
            explain = rule.explain
            if rule.delay_seconds is not None:
                delay = rule.delay_seconds
            rule_name: str | None = rule.name
            code = rule.code
        else:
            outcome = behaviour.outcome
            error = behaviour.error_message if outcome == "failure" else None
            explain = f"simulator {simulator} ({source}): {behaviour.describe()}"
            rule_name = None
            code = None
            if outcome == "success" and behaviour.failure_rate > 0 and self.rng.random() < behaviour.failure_rate:
                outcome = "failure"
                error = behaviour.error_message
                explain = f"simulator {simulator} ({source}): failure rate {behaviour.failure_rate:g} drew a failure"
        delay = round(delay, 3)
        due_at = None if outcome == "manual" else now + delay
        return Plan(
            ref,
            outcome,
            due_at,
            None if outcome == "manual" else delay,
            error,
            explain,
            rule_name,
            "pending",
            code,
        )

    # -- reads -------------------------------------------------------------------------------
    async def get(self, ref: str) -> Operation | None:
        result: Operation | None = await self.db.read(lambda c: get_in(c, ref))
        return result

    async def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        user_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Operation]:
        sql = "SELECT * FROM sim_operations WHERE 1=1"
        params: list[Any] = []
        for column, value in (("status", status), ("kind", kind), ("user_id", user_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"
        params += [max(1, min(limit, 1000)), max(0, offset)]
        rows = await self.db.fetchall(sql, tuple(params))
        return [_row_to_operation(row) for row in rows]

    # -- settling ------------------------------------------------------------------------------
    async def settle(
        self, ref: str, status: str = "completed", error_message: str | None = None, *, trigger: str = "control"
    ) -> Operation:
        """Complete or fail a pending operation exactly once (what the control API calls).

        Settling an operation that already has the requested status returns it unchanged;
        any other non-pending status raises ``Conflict(code="operation_not_pending")``.
        """
        if status not in ("completed", "failed"):
            raise ValidationFailed("status must be 'completed' or 'failed'", code="invalid_status")
        return await self._transition(ref, "pending", status, error_message, trigger)

    async def reverse(self, ref: str, *, reason: str | None = None, trigger: str = "control") -> Operation:
        """Reverse a completed operation exactly once (the owner's handler gets status ``reversed``)."""
        return await self._transition(ref, "completed", "reversed", reason, trigger)

    async def cancel(self, ref: str, *, reason: str | None = None) -> Operation:
        """The owner withdrew a pending operation (e.g. Cashier ``cancel_deposit``): no handler runs."""
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> Operation:
            op = self._require_in(conn, ref)
            if op.status == "cancelled":
                return op
            if op.status != "pending":
                raise Conflict(f"operation {ref} is {op.status}, not pending", code="operation_not_pending")
            conn.execute(
                "UPDATE sim_operations SET status = 'cancelled', settled_at = ?, settled_by = 'owner', "
                "error_message = COALESCE(?, error_message) WHERE ref = ?",
                (now, reason, ref),
            )
            self._cancel_jobs_in(conn, ref)
            return self._require_in(conn, ref)

        result: Operation = await self.db.write(run)
        return result

    @staticmethod
    def _require_in(conn: sqlite3.Connection, ref: str) -> Operation:
        op = get_in(conn, ref)
        if op is None:
            raise NotFound(f"operation {ref} not found", code="operation_not_found")
        return op

    @staticmethod
    def _cancel_jobs_in(conn: sqlite3.Connection, ref: str) -> None:
        conn.execute(
            "UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (f"op:{ref}",)
        )

    async def _transition(self, ref: str, source: str, target: str, message: str | None, trigger: str) -> Operation:
        def claim(conn: sqlite3.Connection) -> tuple[Operation, bool]:
            op = self._require_in(conn, ref)
            if op.status == target:
                return op, False
            if op.status != source:
                raise Conflict(
                    f"operation {ref} is {op.status}; it cannot become {target}", code="operation_not_pending"
                )
            conn.execute(
                "UPDATE sim_operations SET status = 'settling', settled_by = ?, claimed_from = ?, claimed_for = ? "
                "WHERE ref = ?",
                (trigger, source, target, ref),
            )
            if source == "pending":
                self._cancel_jobs_in(conn, ref)
            return op, True

        op, claimed = await self.db.write(claim)
        if not claimed:
            return op  # type: ignore[no-any-return]
        if target == "failed":
            message = message or op.error_message or "Payment failed"
        elif target == "completed":
            message = None
        explain = op.explain if trigger in ("scheduled", "recovery") else f"{target} via the sandbox control API"
        outcome = Outcome(target, message, explain, trigger)
        handler = self._handlers.get(op.kind)
        try:
            if handler is not None:
                await handler(op, outcome)
            else:
                log.warning("no settle handler registered for operation kind %r (%s)", op.kind, ref)
        except BaseException:
            await self.db.write(
                lambda c: c.execute(
                    "UPDATE sim_operations SET status = claimed_from, claimed_from = NULL, claimed_for = NULL "
                    "WHERE ref = ? AND status = 'settling'",
                    (ref,),
                )
            )
            raise
        now = self.clock.time()
        stamp = "reversed_at" if target == "reversed" else "settled_at"

        def finish(conn: sqlite3.Connection) -> Operation:
            conn.execute(
                f"UPDATE sim_operations SET status = ?, {stamp} = ?, claimed_from = NULL, claimed_for = NULL, "
                "error_message = CASE WHEN ? = 'completed' THEN NULL ELSE COALESCE(?, error_message) END "
                "WHERE ref = ?",
                (target, now, target, message, ref),
            )
            return self._require_in(conn, ref)

        result: Operation = await self.db.write(finish)
        return result

    async def _on_due(self, job: Job) -> None:
        ref = str(job.payload.get("ref", ""))
        op = await self.get(ref)
        if op is None or op.status != "pending":
            return
        status = job.payload.get("status") or ("failed" if op.planned_outcome == "failure" else "completed")
        message = job.payload.get("error_message") or (op.error_message if status == "failed" else None)
        try:
            await self._transition(ref, "pending", status, message, str(job.payload.get("trigger", "scheduled")))
        except Conflict:
            return  # settled by someone else in between: nothing to do

    async def recover(self) -> int:
        """After a crash: operations left 'settling' go back and settlements are scheduled again now."""
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> int:
            rows = conn.execute(
                "SELECT ref, claimed_from, claimed_for, error_message FROM sim_operations WHERE status = 'settling'"
            ).fetchall()
            for row in rows:
                back = row["claimed_from"] or "pending"
                conn.execute(
                    "UPDATE sim_operations SET status = ?, claimed_from = NULL, claimed_for = NULL WHERE ref = ?",
                    (back, row["ref"]),
                )
                if back == "pending" and row["claimed_for"] in ("completed", "failed"):
                    payload = {
                        "ref": row["ref"],
                        "status": row["claimed_for"],
                        "error_message": row["error_message"],
                        "trigger": "recovery",
                    }
                    schedule_in(conn, SETTLE_JOB, now, payload, now=now, ref=f"op:{row['ref']}")
            return len(rows)

        count: int = await self.db.write(run)
        return count
