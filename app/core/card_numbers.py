"""Card numbers: the Luhn check digit (ISO/IEC 7812-1), for issuing test cards and validating PANs."""

from __future__ import annotations


def luhn_check_digit(partial: str) -> str:
    """The digit that, appended to the digits of ``partial``, makes the number pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)
