"""Ledger accounts: get-or-create, lookups and flags (sync functions on a connection)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from app.core.errors import NotFound, ValidationFailed
from app.core.ledger.models import ACCOUNT_TYPES, OWNER_TYPES, PURPOSES, SYSTEM_ACCOUNTS, Account
from app.core.money import normalize_currency

ACCOUNT_COLUMNS = (
    "id, number, owner_type, owner_id, currency, purpose, type, is_active, is_locked, allow_negative, "
    "balance, pending_debit, pending_credit, last_transaction_at, created_at, label"
)
_SELECT = f"SELECT {ACCOUNT_COLUMNS} FROM accounts"


def account_from_row(row: Sequence[Any]) -> Account:
    return Account(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        bool(row[7]),
        bool(row[8]),
        bool(row[9]),
        row[10],
        row[11],
        row[12],
        row[13],
        row[14],
        row[15],
    )


def account_number(owner_type: str, currency: str, account_id: int) -> str:
    return f"ACC-{owner_type.upper()}-{currency}-{account_id}"


def _get_or_create(
    conn: sqlite3.Connection,
    now: float,
    key: str,
    owner_type: str,
    owner_id: int | None,
    currency: str,
    purpose: str,
    type: str,
    allow_negative: bool,
    active: bool,
    label: str,
) -> Account:
    row = conn.execute(f"{_SELECT} WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return account_from_row(row)
    cur = conn.execute(
        "INSERT INTO accounts (key, owner_type, owner_id, currency, purpose, type, is_active, allow_negative, "
        "created_at, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, owner_type, owner_id, currency, purpose, type, int(active), int(allow_negative), now, label),
    )
    account_id = int(cur.lastrowid or 0)
    number = account_number(owner_type, currency, account_id)
    conn.execute("UPDATE accounts SET number = ? WHERE id = ?", (number, account_id))
    return Account(
        account_id,
        number,
        owner_type,
        owner_id,
        currency,
        purpose,
        type,
        active,
        False,
        allow_negative,
        0,
        0,
        0,
        None,
        now,
        label,
    )


def open_account_in(
    conn: sqlite3.Connection,
    now: float,
    owner_type: str,
    owner_id: int | None,
    currency: str,
    *,
    purpose: str = "ACCOUNT_PURPOSE_WALLET",
    type: str = "ACCOUNT_TYPE_REAL",
    allow_negative: bool = False,
    active: bool = True,
    label: str = "",
) -> Account:
    """Get-or-create the account of ``(owner_type, owner_id, currency, purpose)``."""
    key, cur = account_key(owner_type, owner_id, currency, purpose, type)
    return _get_or_create(conn, now, key, owner_type, owner_id, cur, purpose, type, allow_negative, active, label)


def account_key(
    owner_type: str, owner_id: int | None, currency: str, purpose: str, type: str = "ACCOUNT_TYPE_REAL"
) -> tuple[str, str]:
    """(key, normalised currency) of an owner's account; validation errors for unknown kinds."""
    if owner_type not in OWNER_TYPES:
        raise ValidationFailed(f"Unknown owner type {owner_type!r}", code="invalid_owner_type")
    if purpose not in PURPOSES:
        raise ValidationFailed(f"Unknown account purpose {purpose!r}", code="invalid_account_purpose")
    if type not in ACCOUNT_TYPES:
        raise ValidationFailed(f"Unknown account type {type!r}", code="invalid_account_type")
    cur = normalize_currency(currency)
    return f"{owner_type}:{owner_id}:{cur}:{purpose}", cur


def find_account_by_key_in(conn: sqlite3.Connection, key: str) -> Account | None:
    row = conn.execute(f"{_SELECT} WHERE key = ?", (key,)).fetchone()
    return None if row is None else account_from_row(row)


def _system_key(name: str, currency: str) -> tuple[str, str, str]:
    """(key, purpose, currency) of a system account; invalid_system_account for an unknown name."""
    purpose = SYSTEM_ACCOUNTS.get(name)
    if purpose is None:
        raise ValidationFailed(
            f"Unknown system account {name!r}; one of {sorted(SYSTEM_ACCOUNTS)}", code="invalid_system_account"
        )
    cur = normalize_currency(currency)
    return f"system:{name}:{cur}", purpose, cur


def find_system_account_in(conn: sqlite3.Connection, name: str, currency: str) -> Account | None:
    """The system account if it exists already (read-only connection: no get-or-create)."""
    return find_account_by_key_in(conn, _system_key(name, currency)[0])


def system_account_in(conn: sqlite3.Connection, now: float, name: str, currency: str) -> Account:
    """Get-or-create a system account (may go negative): settlement, fees, commission, fx, suspense."""
    key, purpose, cur = _system_key(name, currency)
    return _get_or_create(conn, now, key, "system", None, cur, purpose, "ACCOUNT_TYPE_SYSTEM", True, True, name)


def get_account_in(conn: sqlite3.Connection, account_id: int) -> Account | None:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (account_id,)).fetchone()
    return None if row is None else account_from_row(row)


def require_account_in(conn: sqlite3.Connection, account_id: int) -> Account:
    account = get_account_in(conn, account_id)
    if account is None:
        raise NotFound(f"Account {account_id} not found", code="account_not_found", account_id=account_id)
    return account


def get_account_by_number_in(conn: sqlite3.Connection, number: str) -> Account | None:
    row = conn.execute(f"{_SELECT} WHERE number = ?", (number,)).fetchone()
    return None if row is None else account_from_row(row)


def accounts_of_in(
    conn: sqlite3.Connection, owner_type: str, owner_id: int | None, *, purpose: str | None = None
) -> list[Account]:
    sql = f"{_SELECT} WHERE owner_type = ? AND owner_id IS ?"
    params: list[Any] = [owner_type, owner_id]
    if purpose is not None:
        sql += " AND purpose = ?"
        params.append(purpose)
    return [account_from_row(r) for r in conn.execute(sql + " ORDER BY id", params)]


def set_account_flags_in(
    conn: sqlite3.Connection, account_id: int, *, active: bool | None = None, locked: bool | None = None
) -> Account:
    if active is not None:
        conn.execute("UPDATE accounts SET is_active = ? WHERE id = ?", (int(active), account_id))
    if locked is not None:
        conn.execute("UPDATE accounts SET is_locked = ? WHERE id = ?", (int(locked), account_id))
    return require_account_in(conn, account_id)
