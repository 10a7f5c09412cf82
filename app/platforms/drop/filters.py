"""List filters and sorting (the template's conventions that bind for Drop).

``?status=completed``, ``?createdAt[gte]=2026-01-01``, ``?amount[lte]=500``,
``?status[in]=completed,failed``, ``?country[nin]=TR``; ``?sort=createdAt&dir=desc``
(default ``createdAt`` descending). Amounts are major units (NOK), times ISO-8601 dates or
date-times. Unknown fields are ignored; a known field with a bad operator or value is
400 ``bad_request``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.clock import parse_iso
from app.core.errors import ValidationFailed
from app.core.money import parse_amount
from app.platforms.drop.errors import bad_request, field_error
from app.platforms.drop.schemas import DropPagination
from app.platforms.drop.store import pages

_KEY = re.compile(r"^([A-Za-z]+)(?:\[(gt|gte|lt|lte|in|nin)\])?$")
_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True, slots=True)
class Field:
    column: str
    kind: str = "text"  # text | money | time


def _value(field: str, spec: Field, raw: str) -> Any:
    try:
        if spec.kind == "money":
            return parse_amount(raw, "NOK", positive=False)
        if spec.kind == "time":
            return parse_iso(raw)
    except (ValidationFailed, ValueError):
        raise bad_request(f"Invalid value for {field}", [field_error(field, f"invalid {spec.kind} value")]) from None
    return raw


def where_clause(items: Iterable[tuple[str, str]], fields: dict[str, Field]) -> tuple[list[str], list[Any]]:
    """SQL conditions (joined with AND by the caller) and their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for key, raw in items:
        match = _KEY.match(key)
        if match is None:
            if "[" in key and key.split("[", 1)[0] in fields:
                raise bad_request(f"Unsupported filter {key}", [field_error(key, "unsupported operator")])
            continue
        name, op = match.group(1), match.group(2)
        spec = fields.get(name)
        if spec is None:
            continue
        if op in ("in", "nin"):
            values = [_value(name, spec, v.strip()) for v in raw.split(",") if v.strip()]
            if not values:
                raise bad_request(f"Empty list for {key}", [field_error(key, "must list values")])
            marks = ",".join("?" for _ in values)
            clauses.append(f"{spec.column} {'NOT IN' if op == 'nin' else 'IN'} ({marks})")
            params.extend(values)
        elif op is None:
            clauses.append(f"{spec.column} = ?")
            params.append(_value(name, spec, raw))
        else:
            clauses.append(f"{spec.column} {_OPS[op]} ?")
            params.append(_value(name, spec, raw))
    return clauses, params


def order_by(sort: str | None, direction: str | None, fields: dict[str, Field], default: str = "createdAt") -> str:
    name = sort or default
    spec = fields.get(name)
    if spec is None:
        raise bad_request(f"Cannot sort by {name}", [field_error("sort", f"one of {', '.join(fields)}")])
    chosen = (direction or "desc").lower()
    if chosen not in ("asc", "desc"):
        raise bad_request("dir must be asc or desc", [field_error("dir", "asc or desc")])
    return f"{spec.column} {chosen.upper()}, rowid {chosen.upper()}"


async def fetch_page(
    db: Any,
    table: str,
    owner: tuple[str, Any],
    items: Iterable[tuple[str, str]],
    fields: dict[str, Field],
    *,
    sort: str | None,
    direction: str | None,
    number: int,
    size: int,
) -> tuple[list[Any], DropPagination]:
    """One page of ``table``'s rows of one owner (``(column, id)``), filtered and sorted from the query."""
    clauses, params = where_clause(items, fields)
    clause = " AND ".join([f"{owner[0]} = ?", *clauses])
    ordering = order_by(sort, direction, fields)
    total_row = await pages.count_of(db, table, clause, (owner[1], *params))
    rows = await pages.page_of(db, table, clause, (owner[1], *params), ordering, size, (number - 1) * size)
    total = int(total_row["n"]) if total_row else 0
    return list(rows), DropPagination(number, size, total, math.ceil(total / size) if total else 0)
