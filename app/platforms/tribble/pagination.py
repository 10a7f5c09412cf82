"""Tribble's list conventions: ``limit``/``offset`` pagination and the common filters.

Every list endpoint takes ``limit`` (1..100, default 20), ``offset`` (>= 0), ``status``,
``startDate``/``endDate`` (ISO date or date-time; an end date without a time includes that
whole day), ``sortBy`` (a field of the listed items) / ``sortOrder`` (``asc`` | ``desc``) and
``search`` (case-insensitive substring over the item's text fields).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from litestar.params import QueryParameter

from app.core.clock import parse_iso
from app.core.identity.models import Principal
from app.core.numbers import INT64_MAX
from app.platforms.tribble.errors import invalid
from app.platforms.tribble.schemas import Pagination

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListQuery:
    limit: int
    offset: int
    status: str | None
    start: float | None
    end: float | None
    sort_by: str | None
    sort_order: str
    search: str | None

    def page(self, total: int) -> Pagination:
        return Pagination(total=total, limit=self.limit, offset=self.offset, has_more=self.offset + self.limit < total)


def _parse_date(field: str, value: str | None, *, end: bool) -> float | None:
    if value is None or value == "":
        return None
    try:
        ts = parse_iso(value)
    except ValueError:
        raise invalid(field, f"{field} must be an ISO-8601 date (YYYY-MM-DD) or date-time") from None
    if end and len(value.strip()) == 10:
        ts += 86400  # a bare end date includes that whole day
    return ts


async def provide_list_query(
    # After the caller: a request without a valid token answers 401 before its paging is checked
    # (and Litestar resolves the dependencies one after the other, without a task group).
    caller: Principal,
    limit: Annotated[int, QueryParameter(name="limit", ge=1, le=100, description="Page size (1-100)")] = 20,
    offset: Annotated[int, QueryParameter(name="offset", ge=0, le=INT64_MAX, description="Items to skip")] = 0,
    status: Annotated[str | None, QueryParameter(name="status", description="Filter by status")] = None,
    start_date: Annotated[str | None, QueryParameter(name="startDate", description="From this date (ISO)")] = None,
    end_date: Annotated[str | None, QueryParameter(name="endDate", description="Up to this date (ISO)")] = None,
    sort_by: Annotated[str | None, QueryParameter(name="sortBy", description="Field to sort by")] = None,
    sort_order: Annotated[str, QueryParameter(name="sortOrder", description="asc or desc")] = "desc",
    search: Annotated[str | None, QueryParameter(name="search", description="Free-text search")] = None,
) -> ListQuery:
    order = sort_order.lower()
    if order not in {"asc", "desc"}:
        raise invalid("sortOrder", "sortOrder must be 'asc' or 'desc'")
    start = _parse_date("startDate", start_date, end=False)
    end = _parse_date("endDate", end_date, end=True)
    if start is not None and end is not None and end < start:
        raise invalid("endDate", "endDate must not be before startDate")
    return ListQuery(limit, offset, status or None, start, end, sort_by or None, order, (search or "").strip() or None)


def apply(
    items: Sequence[T],
    q: ListQuery,
    *,
    status: Callable[[T], str | None],
    created: Callable[[T], float | None],
    text: Callable[[T], Sequence[Any]],
    sort_keys: dict[str, Callable[[T], Any]],
) -> tuple[list[T], int]:
    """Filter, sort and page a list in memory; returns (page, total)."""
    if q.sort_by is not None and q.sort_by not in sort_keys:
        raise invalid("sortBy", f"sortBy must be one of: {', '.join(sorted(sort_keys))}")
    out = list(items)
    if q.status is not None:
        wanted = q.status.upper()
        out = [i for i in out if (status(i) or "").upper() == wanted]
    if q.start is not None:
        out = [i for i in out if (created(i) or 0) >= q.start]
    if q.end is not None:
        out = [i for i in out if (created(i) or 0) < q.end]
    if q.search is not None:
        needle = q.search.lower()
        out = [i for i in out if any(needle in str(v).lower() for v in text(i) if v is not None)]
    key = sort_keys[q.sort_by] if q.sort_by is not None else (lambda i: created(i) or 0)
    out.sort(key=lambda i: _sortable(key(i)), reverse=q.sort_order == "desc")
    total = len(out)
    return out[q.offset : q.offset + q.limit], total


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, str):
        return (2, value.lower())
    return (1, value)
