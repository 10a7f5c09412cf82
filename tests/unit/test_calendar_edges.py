"""Date arithmetic at the edges that break it: the 31st, Feb 28/29, Dec 31 -> Jan 1, midnight UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.platforms.nivo.movements import _next_month, day_and_month_start
from app.platforms.nivo.statements import period_bounds
from app.platforms.tribble.billing import add_period


def _ts(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


@pytest.mark.parametrize(
    ("start", "frequency", "expected"),
    [
        ((2027, 1, 31, 9), "monthly", "2027-02-28T09:00:00+00:00"),  # a short February
        ((2028, 1, 31, 9), "monthly", "2028-02-29T09:00:00+00:00"),  # a leap February
        ((2026, 12, 31, 23, 59, 30), "monthly", "2027-01-31T23:59:30+00:00"),  # over the year end
        ((2026, 11, 30, 8), "quarterly", "2027-02-28T08:00:00+00:00"),
        ((2028, 2, 29, 8), "yearly", "2029-02-28T08:00:00+00:00"),
        ((2026, 12, 31, 23), "daily", "2027-01-01T23:00:00+00:00"),
        ((2026, 12, 28, 23), "weekly", "2027-01-04T23:00:00+00:00"),
    ],
)
def test_one_period_later(start: tuple[int, ...], frequency: str, expected: str) -> None:
    assert _day(add_period(_ts(*start), frequency, 1)) == expected


def test_a_cycle_anchored_on_the_31st_comes_back_to_the_31st() -> None:
    """Jan 31 -> Feb 28 -> Mar 31 -> Apr 30 -> May 31: the anchor is kept, not worn down by February."""
    ts, seen = _ts(2027, 1, 31, 9), []
    for _ in range(4):
        ts = add_period(ts, "monthly", 1, anchor_day=31)
        seen.append(_day(ts)[:10])
    assert seen == ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    leap = add_period(add_period(_ts(2028, 1, 30, 9), "monthly", 1, 30), "monthly", 1, 30)
    assert _day(leap)[:10] == "2028-03-30"


@pytest.mark.parametrize(
    ("day", "period", "label", "start", "end"),
    [
        (date(2027, 1, 31), "monthly", "2027-01", "2027-01-01", "2027-02-01"),
        (date(2028, 2, 29), "monthly", "2028-02", "2028-02-01", "2028-03-01"),
        (date(2026, 12, 31), "monthly", "2026-12", "2026-12-01", "2027-01-01"),
        (date(2026, 12, 31), "yearly", "2026", "2026-01-01", "2027-01-01"),
        (date(2026, 12, 31), "daily", "2026-12-31", "2026-12-31", "2027-01-01"),
        (date(2027, 1, 1), "weekly", "2026-W53", "2026-12-28", "2027-01-04"),  # ISO week of the year before
    ],
)
def test_statement_periods_at_month_and_year_ends(day: date, period: str, label: str, start: str, end: str) -> None:
    got_label, got_start, got_end = period_bounds(period, day)
    assert (got_label, _day(got_start)[:10], _day(got_end)[:10]) == (label, start, end)


def test_limit_periods_across_midnight_and_the_year_end() -> None:
    before = day_and_month_start(_ts(2026, 12, 31, 23, 59, 59))
    after = day_and_month_start(_ts(2027, 1, 1, 0, 0, 0))
    assert [_day(t)[:10] for t in before] == ["2026-12-31", "2026-12-01"]
    assert [_day(t)[:10] for t in after] == ["2027-01-01", "2027-01-01"]
    assert _day(_next_month(before[1]))[:10] == "2027-01-01"
    assert _day(_next_month(day_and_month_start(_ts(2028, 2, 29, 12))[1]))[:10] == "2028-03-01"
