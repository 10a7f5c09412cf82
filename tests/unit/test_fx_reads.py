"""The FX reads on the payment path: a cross rate is one statement, a KYC limit check reads each
currency's rate once, and both give the figures the two-lookup, per-amount versions gave."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from app.core.errors import ValidationFailed
from app.core.fx import cross_rate_in
from app.core.money import convert
from app.db.migrations import apply_migrations
from app.platforms.tribble.kyc import _usage_in

DAY = 86_400


@pytest.fixture
def conn() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(db)
    db.execute("DELETE FROM fx_usd_rates WHERE currency IN ('DKK', 'SEK')")  # known currencies without a rate
    db.execute("UPDATE fx_usd_rates SET per_usd = '3' WHERE currency = 'NOK'")
    return db


def statements(conn: sqlite3.Connection) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    return seen


def test_a_cross_rate_is_one_statement_and_the_quotient_of_the_usd_rates(conn: sqlite3.Connection) -> None:
    seen = statements(conn)
    assert cross_rate_in(conn, "USD", "NGN") == Decimal("1550")
    assert cross_rate_in(conn, "eur", "GBP") == Decimal("0.854054054054")  # 0.79 / 0.925, 12 digits
    assert len(seen) == 2
    assert cross_rate_in(conn, "NGN", "NGN") == Decimal(1)
    assert len(seen) == 2  # the same currency reads nothing


@pytest.mark.parametrize(
    ("base", "quote", "named"),
    [("USD", "DKK", "DKK"), ("DKK", "USD", "DKK"), ("SEK", "DKK", "DKK")],  # both missing: the quote first
)
def test_a_missing_rate_names_its_currency(conn: sqlite3.Connection, base: str, quote: str, named: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        cross_rate_in(conn, base, quote)
    assert info.value.code == "unsupported_currency"
    assert str(info.value) == f"No FX rate for {named}"


def usage(conn: sqlite3.Connection, user: int, day: int, currency: str, operations: int, amount: int) -> None:
    conn.execute(
        "INSERT INTO tribble_usage_days (user_id, day, currency, operations, amount) VALUES (?, ?, ?, ?, ?)",
        (user, day, currency, operations, amount),
    )


def test_a_limit_check_reads_each_rate_once_and_converts_each_total(conn: sqlite3.Connection) -> None:
    month, today = 10 * DAY, 12 * DAY
    usage(conn, 7, month, "USD", 2, 1_999)  # earlier this month
    usage(conn, 7, today, "USD", 3, 12_345)
    usage(conn, 7, today, "NGN", 1, 50_000)
    usage(conn, 7, today, "NOK", 1, 77)
    usage(conn, 7, month - DAY, "USD", 9, 99_999)  # last month: not counted
    usage(conn, 8, today, "USD", 9, 99_999)  # someone else
    seen = statements(conn)
    day_total, month_total, day_count, this = _usage_in(conn, 7, month, today, 101, "USD")
    rate_reads = [s for s in seen if "fx_usd_rates" in s]
    assert len(rate_reads) == 2  # USD and NOK once each, whatever the number of amounts in them

    usd, nok = cross_rate_in(conn, "USD", "NGN"), cross_rate_in(conn, "NOK", "NGN")
    assert day_count == 5
    assert this == convert(101, "USD", "NGN", usd)
    assert day_total == convert(12_345, "USD", "NGN", usd) + 50_000 + convert(77, "NOK", "NGN", nok)
    # one rounding per currency total, not per day or payment
    assert month_total == convert(1_999 + 12_345, "USD", "NGN", usd) + 50_000 + convert(77, "NOK", "NGN", nok)


def test_a_currency_without_a_rate_counts_as_if_it_were_naira(conn: sqlite3.Connection) -> None:
    usage(conn, 7, 0, "DKK", 1, 500)
    seen = statements(conn)
    assert _usage_in(conn, 7, 0, 0, 40, "DKK") == (500, 500, 1, 40)
    assert len([s for s in seen if "fx_usd_rates" in s]) == 1  # the missing rate is not looked up again
