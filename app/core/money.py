"""Money: currencies, minor units and the one rounding rule.

Every amount in the sandbox is an ``int`` in the currency's minor unit (cents for USD, yen for
JPY). Floats never take part in storage or arithmetic; they appear only when a platform renders
a JSON number (``to_float``). The one rounding rule of the whole product is **half-even to the
minor unit** (banker's rounding), applied only in this module: ``apply_rate`` (fees) and
``convert`` (FX).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from app.core.errors import ValidationFailed

# Minor-unit exponents (ISO 4217). Every currency the sandbox serves is listed here.
EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "KES": 2,
    "NGN": 2,
    "INR": 2,
    "NOK": 2,
    "SEK": 2,
    "DKK": 2,
    "CHF": 2,
    "PLN": 2,
    "RSD": 2,
    "BAM": 2,
    "PKR": 2,
    "TRY": 2,
    "ZAR": 2,
    "GHS": 2,
    "UGX": 2,
    "TZS": 2,
    "JPY": 0,
}

# Amounts beyond this many major units are refused (keeps everything far inside int64).
MAX_MAJOR = 10**15

_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)
_ONE = Decimal(1)


def normalize_currency(currency: object) -> str:
    """Upper-case ISO code of a supported currency; ValidationFailed(unsupported_currency) otherwise."""
    if not isinstance(currency, str) or currency.strip().upper() not in EXPONENTS:
        raise ValidationFailed(
            f"Unsupported currency: {currency!r}", code="unsupported_currency", currency=str(currency)
        )
    return currency.strip().upper()


def exponent(currency: str) -> int:
    """Number of decimals of ``currency`` (USD 2, JPY 0)."""
    return EXPONENTS[normalize_currency(currency)]


def _invalid(value: object, why: str, reason: str = "not_a_number") -> ValidationFailed:
    """``invalid_amount``; ``details["reason"]`` says which: ``not_a_number`` or ``too_large``."""
    return ValidationFailed(f"Invalid amount {value!r}: {why}", code="invalid_amount", value=repr(value), reason=reason)


_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _to_decimal_input(value: object) -> Decimal:
    if value is None or isinstance(value, bool):
        raise _invalid(value, "not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # 100.1 -> "100.1", not the binary expansion
    elif isinstance(value, str):
        text = value.strip()
        # Plain ASCII decimal notation only: Decimal() would also take "1_000", "1e5", "NaN" and
        # other scripts' digits ("١٢٣"); a payment API takes none of them.
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise _invalid(value, "not a plain decimal number")
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise _invalid(value, "not a number") from None
    else:
        raise _invalid(value, "not a number")
    if not number.is_finite():
        raise _invalid(value, "not a finite number")
    return number


def parse_amount(value: object, currency: str, *, positive: bool = True) -> int:
    """str | int | float | Decimal in major units -> int minor units of ``currency``.

    Refuses bool/None/NaN/Infinity/non-numbers and anything beyond ``MAX_MAJOR`` major units
    (``invalid_amount``), more decimals than the currency has (``too_many_decimals``), and
    zero or negative amounts when ``positive`` (``amount_not_positive``).
    """
    exp = exponent(currency)
    number = _to_decimal_input(value)
    if abs(number) > MAX_MAJOR:
        raise _invalid(value, f"larger than {MAX_MAJOR} major units", "too_large")
    scaled = _CTX.multiply(number, Decimal(10) ** exp)
    if scaled != scaled.to_integral_value():
        raise ValidationFailed(
            f"Amount {value!r} has more than {exp} decimal places for {currency.upper()}",
            code="too_many_decimals",
            decimals=exp,
            currency=currency.upper(),
        )
    minor = int(scaled)
    if positive and minor <= 0:
        raise ValidationFailed(f"Amount must be greater than zero, got {value!r}", code="amount_not_positive")
    return minor


# Per currency code: 10 ** its exponent, the divisor of ``to_float``.
_DIVISORS: dict[str, int] = {code: 10**exp for code, exp in EXPONENTS.items()}


def to_decimal(minor: int, currency: str) -> Decimal:
    """Exact major-unit Decimal: 12345 USD -> Decimal('123.45'); 500 JPY -> Decimal('500')."""
    return Decimal(minor).scaleb(-exponent(currency), _CTX)


def to_float(minor: int, currency: str) -> float:
    """Major units as a float, for platforms whose contracts use JSON numbers.

    ``minor / 10 ** exponent``: Python's int division is correctly rounded, so this is the float
    nearest the exact amount, the same float as ``float(to_decimal(...))`` without the Decimal
    (tests/unit/test_money.py checks the two agree).
    """
    divisor = _DIVISORS.get(currency) if type(currency) is str else None  # a list is unhashable
    if divisor is None:
        divisor = _DIVISORS[normalize_currency(currency)]
    return minor / divisor


def format_amount(minor: int, currency: str) -> str:
    """Major units as a fixed-point string with the currency's decimals: 500000 USD -> '5000.00'."""
    return f"{to_decimal(minor, currency):f}"


def round_half_even(value: Decimal) -> int:
    """The one rounding rule: half-even to an integral number of minor units."""
    return int(value.quantize(_ONE, rounding=ROUND_HALF_EVEN, context=_CTX))


def apply_rate(minor: int, rate: Decimal) -> int:
    """``minor * rate`` rounded half-even to the minor unit (fees: apply_rate(10000, Decimal('0.005')) -> 50)."""
    return round_half_even(_CTX.multiply(Decimal(minor), Decimal(rate)))


def convert(minor: int, from_currency: str, to_currency: str, rate: Decimal) -> int:
    """FX: ``minor`` of ``from_currency`` at ``rate`` (quote units per 1 base unit) -> minor of ``to_currency``.

    Exponents are handled: 1000 USD cents (10.00 USD) at 150 JPY/USD -> 1500 JPY.
    """
    shift = exponent(to_currency) - exponent(from_currency)
    value = _CTX.multiply(Decimal(minor), Decimal(rate))
    value = _CTX.multiply(value, Decimal(10) ** shift)
    return round_half_even(value)
