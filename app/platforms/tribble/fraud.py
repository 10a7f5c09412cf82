"""Fraud reports: the period a report covers and its groupings (the scores: risk.py; the routes: routes/fraud.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.platforms.tribble.pagination import ListQuery
from app.platforms.tribble.schemas import Period

GROUPINGS = ("daily", "weekly", "monthly")
DEFAULT_PERIOD_DAYS = 30


def period_of(sandbox: Any, listing: ListQuery) -> tuple[float, float, Period]:
    """The [start, end) of a report: startDate/endDate, default the last 30 days (sandbox clock)."""
    now = sandbox.clock.time()
    end = listing.end if listing.end is not None else now
    start = listing.start if listing.start is not None else end - DEFAULT_PERIOD_DAYS * 86400
    last_day = datetime.fromtimestamp(max(start, end - 1), UTC).date().isoformat()
    return start, end, Period(start_date=datetime.fromtimestamp(start, UTC).date().isoformat(), end_date=last_day)
