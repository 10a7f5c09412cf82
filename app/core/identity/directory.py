"""The user directory: search users and page through them, newest first (sync SQL for ``db.read``).

A search matches a substring of the email, first name, last name, "first last" or phone, or
exactly the numeric id or the uuid. Pages are keyset pages on the id (``before`` / ``after`` a
user id), so a page costs the same at the end of a million users as at the start, and a user
created meanwhile never shifts a page. No total is counted: each page says only whether an
older and a newer page exist (the cursors to ask for them).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.errors import ValidationFailed
from app.core.identity.models import User
from app.core.numbers import strict_int

_LIKE_COLUMNS = ("email", "first_name", "last_name", "first_name || ' ' || last_name", "phone")


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    next_before: int | None  # pass as ``before`` for the next (older) page; None: this is the last
    prev_after: int | None  # pass as ``after`` for the previous (newer) page; None: this is the first


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def match_clause(query: str | None) -> tuple[str, list[Any]]:
    """The WHERE condition (``1`` when there is no query) and its parameters for a search."""
    text = (query or "").strip()
    if not text:
        return "1", []
    pattern = _like_pattern(text)
    parts = [f"{column} LIKE ? ESCAPE '\\'" for column in _LIKE_COLUMNS]
    params: list[Any] = [pattern] * len(_LIKE_COLUMNS)
    parts.append("uuid = ?")
    params.append(text.lower())
    user_id = strict_int(text, minimum=1)
    if user_id is not None:
        parts.append("id = ?")
        params.append(user_id)
    return "(" + " OR ".join(parts) + ")", params


def list_users(
    conn: sqlite3.Connection,
    *,
    limit: int,
    query: str | None = None,
    before: int | None = None,
    after: int | None = None,
) -> list[User]:
    """Up to ``limit`` matching users, newest first; ``before``/``after`` bound the id (exclusive).

    With ``after`` the page is the ``limit`` users just newer than ``after`` (still listed newest
    first), so ``after=<newest id of a page>`` is the page before it.
    """
    if before is not None and after is not None:
        raise ValidationFailed("give before or after, not both", code="validation_error", field="after")
    where, params = match_clause(query)
    if before is not None:
        where += " AND id < ?"
        params.append(before)
    if after is not None:
        where += " AND id > ?"
        params.append(after)
    order = "ASC" if after is not None else "DESC"
    params.append(max(0, int(limit)))
    rows = conn.execute(f"SELECT * FROM users WHERE {where} ORDER BY id {order} LIMIT ?", params).fetchall()
    users = [User.from_row(row) for row in rows]
    if after is not None:
        users.reverse()
    return users


def _exists(conn: sqlite3.Connection, query: str | None, bound: str, user_id: int) -> bool:
    where, params = match_clause(query)
    row = conn.execute(f"SELECT 1 FROM users WHERE {where} AND id {bound} ? LIMIT 1", [*params, user_id]).fetchone()
    return row is not None


def page_users(
    conn: sqlite3.Connection,
    *,
    limit: int,
    query: str | None = None,
    before: int | None = None,
    after: int | None = None,
) -> UserPage:
    """One page of ``list_users`` with the cursors of the pages around it."""
    limit = max(1, int(limit))
    users = list_users(conn, limit=limit + 1, query=query, before=before, after=after)
    more = len(users) > limit
    users = users[1:] if after is not None and more else users[:limit]
    # The page's id range [bottom, top]; an empty page keeps the range it was asked for.
    top = users[0].id if users else (before - 1 if before is not None else None)
    bottom = users[-1].id if users else (after + 1 if after is not None else None)
    if after is not None:
        older = bottom is not None and _exists(conn, query, "<", bottom)
        newer = more
    else:
        older = more
        newer = top is not None and before is not None and _exists(conn, query, ">", top)
    return UserPage(
        users=users,
        next_before=bottom if older else None,
        prev_after=top if newer else None,
    )
