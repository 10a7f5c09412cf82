"""The posting engine: balanced, linked, idempotent journals (sync, on the caller's connection).

``post_in(conn, now, type, legs, ...)`` is the hot path. Per posting it runs, for ``n`` legs:
one INSERT of the journal (which is also the idempotency check, ``ON CONFLICT DO NOTHING``),
one check-and-debit ``UPDATE ... WHERE balance - pending_debit - ? >= 0 RETURNING`` and one
credit ``UPDATE ... RETURNING`` per leg, and one multi-row INSERT of the ``2n`` entries. The
statements are constant strings, so sqlite3's statement cache reuses the prepared statements.

All legs succeed or none: with ``atomic=True`` (the default for direct callers and the seeder)
the posting runs in its own SAVEPOINT; ``LedgerService`` passes ``atomic=False`` because the
writer already wraps each job in a savepoint. Call it inside BEGIN ... COMMIT when posting
many times on a plain connection (the seeder), otherwise every savepoint is its own commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from app.core.errors import (
    AccountUnavailable,
    DomainError,
    IdempotencyMismatch,
    InsufficientFunds,
    NotFound,
    ValidationFailed,
)
from app.core.json_text import json_text
from app.core.ledger.journals import journal_by_key_in
from app.core.ledger.models import CREDIT, DEBIT, Entry, Journal, Leg, receipt_code

OnPosted = Callable[[sqlite3.Connection, Journal], Any]

INSERT_JOURNAL_SQL = (
    "INSERT INTO journals (type, description, created_at, idempotency_key, request, metadata) VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_JOURNAL_KEYED_SQL = INSERT_JOURNAL_SQL + " ON CONFLICT (idempotency_key) DO NOTHING"
# One leg in one statement: debit ?3 and credit ?4 by ?1, the debit only while its available covers it
# (unless it may go negative). Two rows back means both sides moved; fewer means a refusal, and the
# caller's savepoint undoes the side that did move.
MOVE_SQL = (
    "UPDATE accounts SET balance = balance + (CASE id WHEN ?3 THEN -?1 ELSE ?1 END), last_transaction_at = ?2 "
    "WHERE id IN (?3, ?4) AND is_active = 1 AND is_locked = 0 "
    "AND (id = ?4 OR allow_negative = 1 OR balance - pending_debit >= ?1) "
    "RETURNING id, balance, currency, number"
)
_ENTRY_ROW = "(?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_ENTRIES: dict[int, str] = {}


def insert_entries_sql(rows: int) -> str:
    sql = _INSERT_ENTRIES.get(rows)
    if sql is None:
        sql = (
            "INSERT INTO entries (journal_id, account_id, amount, side, balance_after, description, kind, created_at) "
            "VALUES " + ", ".join([_ENTRY_ROW] * rows)
        )
        _INSERT_ENTRIES[rows] = sql
    return sql


# -- validation and idempotency ------------------------------------------------------------------
MAX_MINOR = 10**17  # 10^15 major units of a 2-decimal currency; keeps every balance far inside int64


def check_amount(amount: object) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed(f"Amount must be an integer of minor units, got {amount!r}", code="invalid_amount")
    if amount <= 0:
        raise ValidationFailed(f"Amount must be greater than zero, got {amount}", code="amount_not_positive")
    if amount > MAX_MINOR:
        raise ValidationFailed(f"Amount {amount} is larger than {MAX_MINOR} minor units", code="invalid_amount")


def validate_legs(type: str, legs: Sequence[Leg]) -> None:
    if not isinstance(type, str) or not type:
        raise ValidationFailed("Transaction type is required", code="invalid_transaction_type")
    if not legs:
        raise ValidationFailed("A posting needs at least one leg", code="no_legs")
    for leg in legs:
        check_amount(leg.amount)
        for account_id in (leg.debit, leg.credit):
            if isinstance(account_id, bool) or not isinstance(account_id, int):
                raise ValidationFailed(f"Account id must be an integer, got {account_id!r}", code="invalid_account")
        if not isinstance(leg.kind, str) or not leg.kind:
            raise ValidationFailed(f"Leg kind must be a non-empty string, got {leg.kind!r}", code="invalid_leg_kind")
        if leg.debit == leg.credit:
            raise ValidationFailed("Source and destination accounts must differ", code="same_account")


def request_fingerprint(type: str, legs: Sequence[Leg]) -> str:
    """Canonical text of what an idempotency key promises: the type and each leg's accounts, amount, kind."""
    return type + "|" + ";".join(f"{leg.debit}>{leg.credit}:{leg.amount}:{leg.kind}" for leg in legs)


def fingerprint_differences(stored: str, given: str) -> list[str]:
    """Names of what differs between two fingerprints: type, legs, debit_account, credit_account, amount, kind."""
    s_type, _, s_legs = stored.partition("|")
    g_type, _, g_legs = given.partition("|")
    differs: list[str] = []
    if s_type != g_type:
        differs.append("type")
    s_parts = s_legs.split(";") if s_legs else []
    g_parts = g_legs.split(";") if g_legs else []
    if len(s_parts) != len(g_parts):
        differs.append("legs")
    for a, b in zip(s_parts, g_parts, strict=False):
        a_route, _, a_rest = a.partition(":")
        b_route, _, b_rest = b.partition(":")
        a_debit, _, a_credit = a_route.partition(">")
        b_debit, _, b_credit = b_route.partition(">")
        a_amount, _, a_kind = a_rest.partition(":")
        b_amount, _, b_kind = b_rest.partition(":")
        for name, x, y in (
            ("debit_account", a_debit, b_debit),
            ("credit_account", a_credit, b_credit),
            ("amount", a_amount, b_amount),
            ("kind", a_kind, b_kind),
        ):
            if x != y and name not in differs:
                differs.append(name)
    return differs or ["request"]


def mismatch(key: str, differs: list[str]) -> IdempotencyMismatch:
    return IdempotencyMismatch(
        f"Idempotency key {key!r} was already used with different parameters: {', '.join(differs)}",
        key=key,
        differs=differs,
    )


def replay_in(conn: sqlite3.Connection, key: str, fingerprint: str) -> Journal | None:
    """The journal first posted under ``key`` (replayed=True), IdempotencyMismatch if it differs, None if new."""
    row = conn.execute("SELECT request FROM journals WHERE idempotency_key = ?", (key,)).fetchone()
    if row is None:
        return None
    if row[0] != fingerprint:
        raise mismatch(key, fingerprint_differences(row[0] or "", fingerprint))
    journal = journal_by_key_in(conn, key)
    assert journal is not None
    return msgspec.structs.replace(journal, replayed=True)


# -- diagnosis of a refused UPDATE --------------------------------------------------------------
def refusal(conn: sqlite3.Connection, account_id: int, amount: int, currency: str | None) -> DomainError:
    row = conn.execute(
        "SELECT currency, is_active, is_locked, balance - pending_debit FROM accounts WHERE id = ?", (account_id,)
    ).fetchone()
    if row is None:
        return NotFound(f"Account {account_id} not found", code="account_not_found", account_id=account_id)
    if not row[1]:
        return AccountUnavailable(f"Account {account_id} is inactive", code="account_inactive", account_id=account_id)
    if row[2]:
        return AccountUnavailable(f"Account {account_id} is locked", code="account_locked", account_id=account_id)
    if currency is not None and row[0] != currency:
        return ValidationFailed(
            f"Currency mismatch: account {account_id} holds {row[0]}, the posting moves {currency}",
            code="currency_mismatch",
            account_id=account_id,
            expected=currency,
            actual=row[0],
        )
    return InsufficientFunds(
        f"Insufficient funds: available {row[3]} {row[0]} (minor units), required {amount}",
        account_id=account_id,
        available=row[3],
        currency=row[0],
        required=amount,
    )


def as_before_posting(error: DomainError, account_id: int, earlier: Sequence[Leg]) -> DomainError:
    """A refusal's ``available`` as it was before this posting: the earlier legs already moved it
    inside the savepoint that is about to roll back (a fee leg after its principal, say)."""
    if not isinstance(error, InsufficientFunds) or not earlier:
        return error
    shift = sum(leg.amount for leg in earlier if leg.credit == account_id) - sum(
        leg.amount for leg in earlier if leg.debit == account_id
    )
    available = int(error.details["available"]) - shift
    required = int(error.details["required"]) - shift  # what this leg needed, counted from before the posting
    currency = error.details["currency"]
    return InsufficientFunds(
        f"Insufficient funds: available {available} {currency} (minor units), required {required}",
        account_id=account_id,
        available=available,
        currency=currency,
        required=required,
    )


# -- the posting -----------------------------------------------------------------------------------
def post_in(
    conn: sqlite3.Connection,
    now: float,
    type: str,
    legs: Sequence[Leg],
    *,
    description: str = "",
    idempotency_key: str | None = None,
    metadata: dict[str, Any] | None = None,
    on_posted: OnPosted | None = None,
    atomic: bool = True,
) -> Journal:
    """Post ``legs`` as one balanced journal; all legs or none. See the module docstring."""
    validate_legs(type, legs)
    if not atomic:
        return post_legs_in(conn, now, type, legs, description, idempotency_key, metadata, on_posted)
    conn.execute("SAVEPOINT ledger_post")
    try:
        journal = post_legs_in(conn, now, type, legs, description, idempotency_key, metadata, on_posted)
    except BaseException:
        conn.execute("ROLLBACK TO ledger_post")
        conn.execute("RELEASE ledger_post")
        raise
    conn.execute("RELEASE ledger_post")
    return journal


def post_legs_in(
    conn: sqlite3.Connection,
    now: float,
    type: str,
    legs: Sequence[Leg],
    description: str,
    key: str | None,
    metadata: dict[str, Any] | None,
    on_posted: OnPosted | None,
) -> Journal:
    """The posting itself, for callers that validated ``legs`` and hold a savepoint (it may raise midway)."""
    execute = conn.execute
    description = description or ""
    meta_text = json_text(metadata) if metadata else "{}"
    if key is None:
        cur = execute(INSERT_JOURNAL_SQL, (type, description, now, None, None, meta_text))
    else:
        fingerprint = request_fingerprint(type, legs)
        cur = execute(INSERT_JOURNAL_KEYED_SQL, (type, description, now, key, fingerprint, meta_text))
        if cur.rowcount == 0:
            replayed = replay_in(conn, key, fingerprint)
            assert replayed is not None
            return replayed
    journal_id = int(cur.lastrowid or 0)
    params: list[Any] = []
    sides: list[tuple[Any, ...]] = []
    for index, leg in enumerate(legs):
        amount = leg.amount
        debit, credit = leg.debit, leg.credit
        rows = execute(MOVE_SQL, (amount, now, debit, credit)).fetchall()
        if len(rows) != 2:
            moved = rows[0][0] if rows else None
            if moved != debit:
                raise as_before_posting(refusal(conn, debit, amount, None), debit, legs[:index])
            raise refusal(conn, credit, amount, rows[0][2])
        d_row, c_row = (rows[0], rows[1]) if rows[0][0] == debit else (rows[1], rows[0])
        currency = d_row[2]
        if c_row[2] != currency:
            raise refusal(conn, credit, amount, currency)
        if leg.description:
            d_desc = c_desc = leg.description
        else:
            d_desc = c_desc = description
        if leg.debit_description is not None:
            d_desc = leg.debit_description
        if leg.credit_description is not None:
            c_desc = leg.credit_description
        kind = leg.kind
        params += (journal_id, debit, amount, "D", d_row[1], d_desc, kind, now)
        params += (journal_id, credit, amount, "C", c_row[1], c_desc, kind, now)
        sides.append((debit, d_row[3], currency, amount, DEBIT, d_row[1], d_desc, kind))
        sides.append((credit, c_row[3], currency, amount, CREDIT, c_row[1], c_desc, kind))
    cur = execute(insert_entries_sql(len(sides)), params)
    first_id = int(cur.lastrowid or 0) - len(sides) + 1
    receipt = receipt_code(journal_id, now)
    entries = tuple(
        [
            Entry(first_id + i, journal_id, a, number, cur_, amt, side, after, desc, kind, now, receipt)
            for i, (a, number, cur_, amt, side, after, desc, kind) in enumerate(sides)
        ]
    )
    journal = Journal(journal_id, type, receipt, description, now, key, metadata or {}, entries)
    if on_posted is not None:
        journal = msgspec.structs.replace(journal, extra=on_posted(conn, journal))
    return journal
