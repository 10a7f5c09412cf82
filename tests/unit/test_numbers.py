"""app.core.numbers: ids and counts are ASCII digits inside SQLite's signed 64-bit range."""

from __future__ import annotations

import sqlite3

import pytest

from app.core.numbers import INT64_MAX, INT64_MIN, ascii_digits, strict_int


@pytest.mark.parametrize(
    "text",
    [
        "\u00b2",  # "²": str.isdigit() says yes, int() says no
        "\u0661\u0662",  # Arabic-Indic "١٢": int() reads 12
        "\uff11\uff12",  # fullwidth "１２": int() reads 12
        " 12",
        "12 ",
        "+1",
        "1e3",
        "1.0",
        "1_000",
        "0x10",
        "",
        "-",
        "--1",
        "9223372036854775808",  # 2**63
        "9" * 5000,  # beyond int()'s 4300-digit limit too
        "-1",  # no sign where negatives make no sense (the default minimum is 0)
    ],
)
def test_refused(text: str) -> None:
    assert strict_int(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("007", 7), ("9223372036854775807", INT64_MAX), ("0" * 40 + "5", 5)],
)
def test_accepted(text: str, number: int) -> None:
    assert strict_int(text) == number


def test_negatives_only_where_the_range_has_them() -> None:
    assert strict_int("-5", minimum=-10) == -5
    assert strict_int("-9223372036854775808", minimum=INT64_MIN) == INT64_MIN
    assert strict_int("-9223372036854775809", minimum=INT64_MIN) is None
    assert strict_int("-0", minimum=-1) == 0
    assert strict_int("-0") is None


def test_bounds() -> None:
    assert strict_int("5", minimum=1, maximum=5) == 5
    assert strict_int("6", minimum=1, maximum=5) is None
    assert strict_int("0", minimum=1) is None


def test_json_integers_are_bounded_and_bools_are_not_integers() -> None:
    assert strict_int(7) == 7
    assert strict_int(INT64_MAX) == INT64_MAX
    assert strict_int(2**63) is None
    assert strict_int(-(2**63), minimum=INT64_MIN) == INT64_MIN
    assert strict_int(-(2**63) - 1, minimum=INT64_MIN) is None
    assert strict_int(True) is None and strict_int(False) is None
    assert strict_int(3.0) is None and strict_int(None) is None


def test_clamp_pulls_any_integer_into_the_range_but_not_a_non_number() -> None:
    assert strict_int("0", minimum=1, maximum=50, clamp=True) == 1
    assert strict_int("-3", minimum=1, maximum=50, clamp=True) == 1
    assert strict_int("500", minimum=1, maximum=50, clamp=True) == 50
    assert strict_int("9" * 5000, minimum=1, maximum=50, clamp=True) == 50
    assert strict_int("-" + "9" * 5000, minimum=1, maximum=50, clamp=True) == 1
    assert strict_int(2**70, minimum=1, maximum=50, clamp=True) == 50
    assert strict_int("\u0661", minimum=1, maximum=50, clamp=True) is None
    assert strict_int("+3", minimum=1, maximum=50, clamp=True) is None


def test_everything_accepted_binds_in_sqlite() -> None:
    conn = sqlite3.connect(":memory:")
    for text in ("9223372036854775807", "-9223372036854775808"):
        number = strict_int(text, minimum=INT64_MIN)
        assert conn.execute("SELECT ?", (number,)).fetchone()[0] == number
    with pytest.raises(OverflowError):  # what the parser keeps away from every query
        conn.execute("SELECT ?", (INT64_MAX + 1,))
    conn.close()


def test_ascii_digits() -> None:
    assert ascii_digits("0123456789")
    for text in ("", "\u00b2", "\u0661", "\uff11", "1 ", "-1", "+1"):
        assert not ascii_digits(text), text
