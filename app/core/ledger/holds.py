"""Two-phase holds: place (pending), then post (complete, in full or in part) or void (fail/cancel/expire).

A debit hold reserves funds: ``pending_debit += amount`` only while ``balance - pending_debit``
covers it (one check-and-reserve UPDATE). A credit hold shows incoming money as
``pending_credit``. A hold is ``open`` until exactly one of ``posted``, ``voided`` or
``expired``; the status change is a guarded ``UPDATE ... WHERE status = 'open'`` so two
resolutions can never both win. Expiry is a scheduler job (``ledger.hold_expiry``) on the
sandbox clock, inserted in the same savepoint as the hold.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from app.core.errors import DomainError, NotFound, ValidationFailed
from app.core.ledger.models import Hold, Journal, Leg
from app.core.ledger.postings import (
    OnPosted,
    check_amount,
    mismatch,
    post_legs_in,
    refusal,
    replay_in,
    request_fingerprint,
    validate_legs,
)
from app.core.scheduler import schedule_in

HOLD_EXPIRY_JOB = "ledger.hold_expiry"
HOLD_COLUMNS = (
    "id, account_id, amount, direction, status, reference, expires_at, created_at, journal_id, reason, resolved_at"
)

_RESERVE_DEBIT = (
    "UPDATE accounts SET pending_debit = pending_debit + ?1 "
    "WHERE id = ?2 AND is_active = 1 AND is_locked = 0 AND (allow_negative = 1 OR balance - pending_debit >= ?1) "
    "RETURNING id"
)
_RESERVE_CREDIT = (
    "UPDATE accounts SET pending_credit = pending_credit + ?1 WHERE id = ?2 AND is_active = 1 AND is_locked = 0 "
    "RETURNING id"
)


def hold_from_row(row: Sequence[Any]) -> Hold:
    return Hold(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10])


def get_hold_in(conn: sqlite3.Connection, hold_id: int) -> Hold | None:
    row = conn.execute(f"SELECT {HOLD_COLUMNS} FROM holds WHERE id = ?", (hold_id,)).fetchone()
    return None if row is None else hold_from_row(row)


def _require_hold(conn: sqlite3.Connection, hold_id: int) -> Hold:
    hold = get_hold_in(conn, hold_id)
    if hold is None:
        raise NotFound(f"Hold {hold_id} not found", code="hold_not_found", hold_id=hold_id)
    return hold


def _savepoint(conn: sqlite3.Connection, atomic: bool) -> None:
    if atomic:
        conn.execute("SAVEPOINT ledger_hold")


def _release(conn: sqlite3.Connection, atomic: bool, *, rollback: bool = False) -> None:
    if atomic:
        if rollback:
            conn.execute("ROLLBACK TO ledger_hold")
        conn.execute("RELEASE ledger_hold")


def place_hold_in(
    conn: sqlite3.Connection,
    now: float,
    account_id: int,
    amount: int,
    *,
    direction: str = "debit",
    reference: str = "",
    expires_at: float | None = None,
    idempotency_key: str | None = None,
    atomic: bool = True,
) -> Hold:
    """Reserve ``amount`` on ``account_id``; a debit hold needs available >= amount."""
    if direction not in ("debit", "credit"):
        raise ValidationFailed(f"Hold direction must be debit or credit, got {direction!r}", code="invalid_direction")
    check_amount(amount)
    if idempotency_key is not None:
        row = conn.execute(f"SELECT {HOLD_COLUMNS} FROM holds WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
        if row is not None:
            hold = hold_from_row(row)
            differs = [
                name
                for name, a, b in (
                    ("account", hold.account_id, account_id),
                    ("amount", hold.amount, amount),
                    ("direction", hold.direction, direction),
                )
                if a != b
            ]
            if differs:
                raise mismatch(idempotency_key, differs)
            return hold
    _savepoint(conn, atomic)
    try:
        sql = _RESERVE_DEBIT if direction == "debit" else _RESERVE_CREDIT
        if conn.execute(sql, (amount, account_id)).fetchone() is None:
            raise refusal(conn, account_id, amount, None)
        cur = conn.execute(
            "INSERT INTO holds (account_id, amount, direction, reference, expires_at, created_at, idempotency_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (account_id, amount, direction, reference or "", expires_at, now, idempotency_key),
        )
        hold_id = int(cur.lastrowid or 0)
        if expires_at is not None:
            schedule_in(conn, HOLD_EXPIRY_JOB, expires_at, {"hold_id": hold_id}, now=now, ref=f"hold:{hold_id}")
    except BaseException:
        _release(conn, atomic, rollback=True)
        raise
    _release(conn, atomic)
    return Hold(hold_id, account_id, amount, direction, "open", reference or "", expires_at, now, None)


def _resolve(conn: sqlite3.Connection, now: float, hold_id: int, status: str, reason: str) -> Hold | None:
    """Move an open hold to ``status`` and release its reservation; None when it was not open."""
    row = conn.execute(
        "UPDATE holds SET status = ?, resolved_at = ?, reason = ? WHERE id = ? AND status = 'open' "
        f"RETURNING {HOLD_COLUMNS}",
        (status, now, reason or "", hold_id),
    ).fetchone()
    if row is None:
        return None
    hold = hold_from_row(row)
    column = "pending_debit" if hold.direction == "debit" else "pending_credit"
    conn.execute(f"UPDATE accounts SET {column} = {column} - ? WHERE id = ?", (hold.amount, hold.account_id))
    conn.execute(
        "UPDATE scheduled_jobs SET status = 'cancelled' WHERE ref = ? AND status = 'pending'", (f"hold:{hold_id}",)
    )
    return hold


def void_hold_in(
    conn: sqlite3.Connection,
    now: float,
    hold_id: int,
    *,
    reason: str = "",
    status: str = "voided",
    atomic: bool = True,
) -> Hold:
    """Release an open hold (``voided``, or ``expired`` from the expiry job). Idempotent on a released hold."""
    _savepoint(conn, atomic)
    try:
        hold = _resolve(conn, now, hold_id, status, reason)
        if hold is None:
            hold = _require_hold(conn, hold_id)
            if hold.status == "posted":
                raise DomainError(f"Hold {hold_id} is already posted", code="hold_not_open", hold_id=hold_id)
    except BaseException:
        _release(conn, atomic, rollback=True)
        raise
    _release(conn, atomic)
    return hold


def post_hold_in(
    conn: sqlite3.Connection,
    now: float,
    hold_id: int,
    type: str,
    legs: Sequence[Leg],
    *,
    description: str = "",
    idempotency_key: str | None = None,
    metadata: dict[str, Any] | None = None,
    on_posted: OnPosted | None = None,
    atomic: bool = True,
) -> Journal:
    """Complete a hold: release it and post ``legs`` in one savepoint.

    For a debit hold, legs debiting the held account may total at most the hold amount (a partial
    completion releases the rest). Raises DomainError(hold_not_open) unless the hold is open; a
    repeated ``idempotency_key`` replays the first journal.
    """
    validate_legs(type, legs)
    if idempotency_key is not None:
        replayed = replay_in(conn, idempotency_key, request_fingerprint(type, legs))
        if replayed is not None:
            return replayed
    _savepoint(conn, atomic)
    try:
        hold = _resolve(conn, now, hold_id, "posted", "")
        if hold is None:
            current = _require_hold(conn, hold_id)
            raise DomainError(
                f"Hold {hold_id} is not open (status {current.status})",
                code="hold_not_open",
                hold_id=hold_id,
                status=current.status,
            )
        if hold.direction == "debit":
            used = sum(leg.amount for leg in legs if leg.debit == hold.account_id)
            if used > hold.amount:
                raise ValidationFailed(
                    f"Legs debit {used} from the held account, more than the hold's {hold.amount}",
                    code="hold_amount_exceeded",
                    hold_id=hold_id,
                    held=hold.amount,
                    requested=used,
                )
        journal = post_legs_in(conn, now, type, legs, description, idempotency_key, metadata, on_posted)
        conn.execute("UPDATE holds SET journal_id = ? WHERE id = ?", (journal.id, hold_id))
    except BaseException:
        _release(conn, atomic, rollback=True)
        raise
    _release(conn, atomic)
    return journal
