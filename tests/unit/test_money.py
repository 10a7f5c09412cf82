"""Money: parsing into minor units, formatting, and the one half-even rounding rule."""

from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationFailed
from app.core.money import (
    EXPONENTS,
    apply_rate,
    convert,
    exponent,
    format_amount,
    normalize_currency,
    parse_amount,
    to_decimal,
    to_float,
)


def test_exponents() -> None:
    assert exponent("USD") == 2 and exponent("jpy") == 0 and exponent("KES") == 2
    for code in "USD EUR GBP KES NGN INR NOK SEK DKK CHF PLN RSD BAM PKR TRY ZAR GHS UGX TZS".split():
        assert EXPONENTS[code] == 2
    assert normalize_currency(" eur ") == "EUR"


@pytest.mark.parametrize("bad", ["XXX", "", None, 5, "US"])
def test_unsupported_currency(bad: object) -> None:
    with pytest.raises(ValidationFailed) as info:
        normalize_currency(bad)
    assert info.value.code == "unsupported_currency"


@pytest.mark.parametrize("bad", ["XXX", "", None, 5, "US", ["USD"]])
def test_rendering_an_unsupported_currency_is_refused(bad: object) -> None:
    for render in (to_float, to_decimal, format_amount):
        with pytest.raises(ValidationFailed) as info:
            render(100, bad)  # type: ignore[arg-type]
        assert info.value.code == "unsupported_currency"


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        ("100", "USD", 10000),
        ("100.1", "USD", 10010),
        ("100.10", "USD", 10010),
        ("100.100", "USD", 10010),
        (100.1, "USD", 10010),
        (Decimal("5.25"), "EUR", 525),
        (7, "KES", 700),
        ("500", "JPY", 500),
        ("+3", "USD", 300),
        (".5", "USD", 50),
        (" 12.5 ", "GBP", 1250),
    ],
)
def test_parse_amount_valid(value: object, currency: str, minor: int) -> None:
    assert parse_amount(value, currency) == minor


def test_float_noise_rejected() -> None:
    # 0.1 + 0.2 == 0.30000000000000004: more decimals than a cent, refused rather than rounded.
    with pytest.raises(ValidationFailed) as info:
        parse_amount(0.1 + 0.2, "USD")
    assert info.value.code == "too_many_decimals"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (True, "invalid_amount"),
        (False, "invalid_amount"),
        (None, "invalid_amount"),
        (float("nan"), "invalid_amount"),
        (float("inf"), "invalid_amount"),
        ("NaN", "invalid_amount"),
        ("Infinity", "invalid_amount"),
        ("-inf", "invalid_amount"),
        (1e308, "invalid_amount"),
        ("1e400", "invalid_amount"),
        ("abc", "invalid_amount"),
        ("", "invalid_amount"),
        ("1_000", "invalid_amount"),
        ("1e3", "invalid_amount"),
        ("١٢٣", "invalid_amount"),
        ("１２", "invalid_amount"),
        ("0x10", "invalid_amount"),
        ("1.2.3", "invalid_amount"),
        ([1], "invalid_amount"),
        ({"a": 1}, "invalid_amount"),
        ("10.001", "too_many_decimals"),
        (0.001, "too_many_decimals"),
        ("0", "amount_not_positive"),
        (-5, "amount_not_positive"),
        ("-0.01", "amount_not_positive"),
    ],
)
def test_parse_amount_rejects(value: object, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_amount(value, "USD")
    assert info.value.code == code
    assert info.value.message


def test_parse_amount_jpy_has_no_decimals() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_amount("1.5", "JPY")
    assert info.value.code == "too_many_decimals"
    assert parse_amount("1.0", "JPY") == 1


def test_parse_amount_non_positive_allowed_when_asked() -> None:
    assert parse_amount("-1.25", "USD", positive=False) == -125
    assert parse_amount(0, "USD", positive=False) == 0


def test_formatting() -> None:
    assert format_amount(500000, "USD") == "5000.00"
    assert format_amount(5, "USD") == "0.05"
    assert format_amount(-125, "EUR") == "-1.25"
    assert format_amount(500, "JPY") == "500"
    assert to_decimal(12345, "USD") == Decimal("123.45")
    assert to_float(12345, "USD") == 123.45
    assert to_float(10, "JPY") == 10.0


_DECIMAL_CTX = Context(prec=60)


@given(st.integers(min_value=-(10**17), max_value=10**17), st.sampled_from(sorted(EXPONENTS)))
def test_the_fast_renderings_equal_the_exact_decimal_ones(minor: int, currency: str) -> None:
    """to_float divides ints and to_decimal scales: each must equal what the Decimal definition gives."""
    exp = EXPONENTS[currency]
    exact = _DECIMAL_CTX.divide(Decimal(minor), Decimal(10) ** exp).quantize(
        Decimal(1).scaleb(-exp), context=_DECIMAL_CTX
    )
    assert to_decimal(minor, currency) == exact
    assert str(to_decimal(minor, currency)) == str(exact)
    assert format_amount(minor, currency) == f"{exact:f}"
    assert to_float(minor, currency) == float(exact)
    assert to_float(minor, currency.lower()) == float(exact)


def test_apply_rate_half_even() -> None:
    assert apply_rate(10000, Decimal("0.005")) == 50
    assert apply_rate(250, Decimal("0.01")) == 2  # 2.5 -> 2 (even)
    assert apply_rate(350, Decimal("0.01")) == 4  # 3.5 -> 4 (even)
    assert apply_rate(251, Decimal("0.01")) == 3  # 2.51 -> 3
    assert apply_rate(0, Decimal("0.02")) == 0


def test_convert_handles_exponents_and_rounds_half_even() -> None:
    assert convert(1000, "USD", "JPY", Decimal("150")) == 1500
    assert convert(1500, "JPY", "USD", Decimal("0.0066666667")) == 1000
    assert convert(10000, "USD", "EUR", Decimal("0.925")) == 9250
    assert convert(1, "USD", "EUR", Decimal("0.5")) == 0  # 0.5 -> 0
    assert convert(3, "USD", "EUR", Decimal("0.5")) == 2  # 1.5 -> 2


def test_roundtrip_parse_format() -> None:
    for minor in (0, 1, 99, 100, 123456789):
        assert parse_amount(format_amount(minor, "USD"), "USD", positive=False) == minor
