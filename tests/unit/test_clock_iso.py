"""``iso`` formats epoch seconds through a per-second cache: it must agree with datetime everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.core.clock import iso


def reference(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@given(st.floats(min_value=-2e9, max_value=2.5e11, allow_nan=False))
def test_iso_of_epoch_seconds_matches_datetime(ts: float) -> None:
    assert iso(ts) == reference(ts)


def test_iso_edges() -> None:
    for ts in (0, 0.0, -0.5, 1.9999994, 1.9999996, 951782399.9999999, 1772323199.5, 4102444800):
        assert iso(ts) == reference(ts), ts
    assert iso(datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)) == "2026-02-28T23:59:59Z"
