"""The card processor: Luhn, brand detection from the BIN, tokenisation.

``tokenize`` stores a token with the brand, BIN (first 6), last 4, expiry and the behaviour tag
of the magic rules (``declined``, ``requires_3ds``, ... or ``default``). It never stores the
full number or the CVV: a card payment later passes ``card_token`` in the operation inputs and
the magic rules read the stored behaviour tag.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.card_numbers import luhn_check_digit
from app.core.clock import SandboxClock
from app.core.errors import NotFound, ValidationFailed
from app.core.numbers import INT64_MIN, ascii_digits, strict_int
from simulators import magic

# (brand, [(low, high)] ranges over the first 6 digits), checked in order: Verve before Discover.
_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("VERVE", ((506099, 506198), (507865, 507964), (650002, 650027))),
    ("AMEX", ((340000, 349999), (370000, 379999))),
    ("DINERS", ((300000, 305999), (360000, 369999), (380000, 399999))),
    ("JCB", ((352800, 358999),)),
    ("DISCOVER", ((601100, 601199), (644000, 659999))),
    ("UNIONPAY", ((620000, 629999),)),
    ("MASTERCARD", ((510000, 559999), (222100, 272099))),
    ("VISA", ((400000, 499999),)),
)
_LENGTHS = {"AMEX": (15,), "DINERS": (14, 16), "VISA": (13, 16, 19), "VERVE": (16, 18, 19), "MASTERCARD": (16,)}


def luhn_ok(number: str) -> bool:
    if not ascii_digits(number) or len(number) < 12:
        return False
    return int(luhn_check_digit(number[:-1])) == int(number[-1])


def luhn_complete(partial: str) -> str:
    """Append the check digit that makes ``partial`` pass Luhn (for generating test numbers)."""
    for digit in "0123456789":
        if luhn_ok(partial + digit):
            return partial + digit
    raise ValueError(partial)  # pragma: no cover - one digit always works


def brand_of(number: str) -> str:
    if len(number) < 6 or not ascii_digits(number[:6]):
        return "UNKNOWN"
    bin6 = int(number[:6])
    for brand, ranges in _BRANDS:
        if any(low <= bin6 <= high for low, high in ranges):
            return brand
    return "UNKNOWN"


@dataclass(frozen=True, slots=True)
class CardInfo:
    luhn_ok: bool
    brand: str
    last4: str
    bin: str
    length: int
    behaviour: str  # the magic tag (success, declined, insufficient_funds, requires_3ds, ...) or "default"
    explain: str | None

    @property
    def valid(self) -> bool:
        return self.luhn_ok and self.brand != "UNKNOWN"


@dataclass(frozen=True, slots=True)
class CardToken:
    token: str
    brand: str
    bin: str
    last4: str
    exp_month: int
    exp_year: int
    behaviour: str
    created_at: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "brand": self.brand,
            "bin": self.bin,
            "last4": self.last4,
            "exp_month": self.exp_month,
            "exp_year": self.exp_year,
            "behaviour": self.behaviour,
            "created_at": self.created_at,
        }


def inspect(number: object) -> CardInfo:
    digits = magic.digits(number)
    rule = magic.card_rule(digits)
    return CardInfo(
        luhn_ok(digits),
        brand_of(digits),
        digits[-4:],
        digits[:6],
        len(digits),
        rule.behaviour if rule else "default",
        rule.explain if rule else None,
    )


def _int(value: object, what: str, code: str) -> int:
    number = strict_int(value.strip() if isinstance(value, str) else value, minimum=INT64_MIN)
    if number is None:
        raise ValidationFailed(f"Your card's {what} is invalid.", code=code)
    return number


class CardProcessor:
    """``hub.cards``."""

    def __init__(self, db: Any, clock: SandboxClock) -> None:
        self.db = db
        self.clock = clock

    def inspect(self, number: object) -> CardInfo:
        return inspect(number)

    def validate(self, number: object, exp_month: object, exp_year: object, cvv: object) -> tuple[CardInfo, int, int]:
        """Check number (Luhn, known brand), expiry (not past on the sandbox clock) and CVV length."""
        raw = str(number or "")
        if not raw or any(ch not in "0123456789 -" for ch in raw):
            raise ValidationFailed("Your card number is invalid.", code="invalid_card_number")
        info = inspect(raw)
        if not 12 <= info.length <= 19 or not info.luhn_ok:
            raise ValidationFailed("Your card number is invalid.", code="invalid_card_number")
        if info.brand == "UNKNOWN":
            raise ValidationFailed("Your card brand is not supported.", code="unsupported_card_brand")
        if info.length not in _LENGTHS.get(info.brand, (16, 17, 18, 19)):
            raise ValidationFailed("Your card number is invalid.", code="invalid_card_number")
        month = _int(exp_month, "expiration month", "invalid_expiry_month")
        year = _int(exp_year, "expiration year", "invalid_expiry_year")
        if year < 100:
            year += 2000
        if not 1 <= month <= 12:
            raise ValidationFailed("Your card's expiration month is invalid.", code="invalid_expiry_month")
        now = self.clock.now()
        if not 2000 <= year <= now.year + 50:
            raise ValidationFailed("Your card's expiration year is invalid.", code="invalid_expiry_year")
        if (year, month) < (now.year, now.month):
            raise ValidationFailed("Your card has expired.", code="expired_card")
        cvc = str(cvv if cvv is not None else "").strip()
        wanted = 4 if info.brand == "AMEX" else 3
        if not ascii_digits(cvc) or len(cvc) != wanted:
            raise ValidationFailed("Your card's security code is invalid.", code="invalid_cvc")
        return info, month, year

    async def tokenize(self, number: object, exp_month: object, exp_year: object, cvv: object) -> CardToken:
        """Validate and store a token; the full number and the CVV never reach the database."""
        info, month, year = self.validate(number, exp_month, exp_year, cvv)
        token = CardToken(
            f"tok_{secrets.token_hex(12)}",
            info.brand,
            info.bin,
            info.last4,
            month,
            year,
            info.behaviour,
            self.clock.time(),
        )

        def run(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO sim_card_tokens (token, brand, bin, last4, exp_month, exp_year, behaviour, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (token.token, token.brand, token.bin, token.last4, month, year, token.behaviour, token.created_at),
            )

        await self.db.write(run)
        return token

    async def get_token(self, token: str) -> CardToken | None:
        row = await self.db.fetchone("SELECT * FROM sim_card_tokens WHERE token = ?", (token,))
        if row is None:
            return None
        return CardToken(
            row["token"],
            row["brand"],
            row["bin"],
            row["last4"],
            row["exp_month"],
            row["exp_year"],
            row["behaviour"],
            row["created_at"],
        )

    async def require_token(self, token: str) -> CardToken:
        found = await self.get_token(token)
        if found is None:
            raise NotFound(f"card token {token} not found", code="card_token_not_found")
        return found
