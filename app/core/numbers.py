"""Strict integers from request text: ASCII digits inside SQLite's signed 64-bit range.

``str.isdigit()`` and ``int()`` accept more than a client means by a number: "²" passes ``isdigit``
and fails ``int``; ``int`` reads "١٢", "１２", " 12", "+1" and "1_000" and gives up past 4300 digits;
and Python's integers outgrow SQLite's, whose driver raises OverflowError when one is bound. Every
path, query or body value that becomes an id or a count goes through :func:`strict_int`; the caller
turns its None into the platform's own 400 or 404. Handler parameters typed ``int`` (parsed by
Litestar) and integer fields of msgspec bodies are bounded with ``le=INT64_MAX`` instead.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_DIGITS_MAX = len(str(INT64_MAX))  # 19


def ascii_digits(text: str) -> bool:
    """One or more of 0-9 and nothing else (also for digit strings that are not numbers: OTPs, PINs, PANs)."""
    return text.isascii() and text.isdigit()


def strict_int(value: object, *, minimum: int = 0, maximum: int = INT64_MAX, clamp: bool = False) -> int | None:
    """The integer ``value`` spells, within ``minimum``..``maximum``; None when it spells none or lies outside.

    A string is ASCII digits (leading zeros allowed) with a leading '-' only when ``minimum`` is negative
    or ``clamp`` is set: no '+', space, '_', '.', exponent or other script's digits. A JSON integer
    (``int``, never ``bool``) is taken as it is. With ``clamp`` an integer outside the range, however
    long, becomes the nearer bound instead of None (paging that clamps). The bounds stay within int64.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        negative = value[:1] == "-" and (minimum < 0 or clamp)
        digits = value[1:] if negative else value
        if not ascii_digits(digits):
            return None
        if len(digits.lstrip("0")) > _DIGITS_MAX:  # beyond 64 bits, without asking int() to read it
            return (minimum if negative else maximum) if clamp else None
        number = -int(digits) if negative else int(digits)
    else:
        return None
    if clamp:
        return min(max(number, minimum), maximum)
    return number if minimum <= number <= maximum else None
