"""FX rates: one table of units per 1 USD; every cross rate derives from it, so rates are consistent.

``rate(base, quote) = per_usd[quote] / per_usd[base]``, rounded to 12 significant digits
(``rate(A, B) * rate(B, C) == rate(A, C)`` up to that precision). Every rate handed out is stored
in ``fx_quotes`` with an id, so a conversion can cite the exact rate it used. Amounts convert
with ``app.core.money.convert`` (half-even to the minor unit). The FX simulator moves rates
with ``set_usd_rates``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from app.core.clock import SandboxClock
from app.core.errors import NotFound, ValidationFailed
from app.core.money import convert, normalize_currency
from app.db.database import Database

_RATE_CONTEXT = Context(prec=12)


@dataclass(frozen=True, slots=True)
class FxRate:
    id: int
    base: str
    quote: str
    rate: Decimal
    created_at: float

    def convert(self, minor: int) -> int:
        """``minor`` of ``base`` -> minor units of ``quote`` at this rate (half-even)."""
        return convert(minor, self.base, self.quote, self.rate)

    @property
    def inverse(self) -> Decimal:
        return _RATE_CONTEXT.divide(Decimal(1), self.rate)


def cross_rate_in(conn: sqlite3.Connection, base: str, quote: str) -> Decimal:
    b, q = normalize_currency(base), normalize_currency(quote)
    if b == q:
        return Decimal(1)
    # Both rows in one statement (on the money path: one SQLite call, so one GIL release, not two).
    per_usd = dict(conn.execute("SELECT currency, per_usd FROM fx_usd_rates WHERE currency IN (?, ?)", (q, b)))
    for currency in (q, b):  # the quote's absence is reported first, as two lookups did
        if currency not in per_usd:
            raise ValidationFailed(f"No FX rate for {currency}", code="unsupported_currency", currency=currency)
    rate = _RATE_CONTEXT.divide(Decimal(per_usd[q]), Decimal(per_usd[b]))
    return Decimal(f"{rate.normalize():f}")  # "0.925", "150", never "1.5E+2"


def rate_in(conn: sqlite3.Connection, now: float, base: str, quote: str) -> FxRate:
    """Quote ``base -> quote`` now and store the quote (write connection)."""
    b, q = normalize_currency(base), normalize_currency(quote)
    rate = cross_rate_in(conn, b, q)
    cur = conn.execute(
        "INSERT INTO fx_quotes (base, quote, rate, created_at) VALUES (?, ?, ?, ?)", (b, q, f"{rate:f}", now)
    )
    return FxRate(int(cur.lastrowid or 0), b, q, rate, now)


def usd_rates_in(conn: sqlite3.Connection) -> dict[str, Decimal]:
    return {r[0]: Decimal(r[1]) for r in conn.execute("SELECT currency, per_usd FROM fx_usd_rates ORDER BY currency")}


def set_usd_rates_in(conn: sqlite3.Connection, now: float, rates: dict[str, Decimal | str | float]) -> None:
    checked: list[tuple[str, str]] = []
    for currency, value in rates.items():
        code = normalize_currency(currency)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationFailed(f"Invalid FX rate {value!r} for {code}", code="invalid_rate") from None
        if not number.is_finite() or number <= 0:
            raise ValidationFailed(f"FX rate for {code} must be positive, got {value!r}", code="invalid_rate")
        if code == "USD" and number != 1:
            raise ValidationFailed("The USD rate is 1 by definition", code="invalid_rate")
        checked.append((code, f"{number:f}"))
    conn.executemany(
        "INSERT INTO fx_usd_rates (currency, per_usd, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(currency) DO UPDATE SET per_usd = excluded.per_usd, updated_at = excluded.updated_at",
        [(code, value, now) for code, value in checked],
    )


class FxDesk:
    """``sandbox.ledger.fx``: rates and stored quotes."""

    def __init__(self, db: Database, clock: SandboxClock) -> None:
        self.db = db
        self.clock = clock

    async def rate(self, from_currency: str, to_currency: str) -> FxRate:
        now = self.clock.time()
        return await self.db.write(lambda c: rate_in(c, now, from_currency, to_currency))  # type: ignore[no-any-return]

    async def peek(self, from_currency: str, to_currency: str) -> Decimal:
        """The current cross rate without storing a quote (display only): two rows by key, inline."""
        return self.db.peek(lambda c: cross_rate_in(c, from_currency, to_currency))

    async def quote(self, quote_id: int) -> FxRate:
        row = await self.db.fetchone(
            "SELECT id, base, quote, rate, created_at FROM fx_quotes WHERE id = ?", (quote_id,)
        )
        if row is None:
            raise NotFound(f"FX quote {quote_id} not found", code="fx_quote_not_found")
        return FxRate(row[0], row[1], row[2], Decimal(row[3]), row[4])

    async def usd_rates(self) -> dict[str, Decimal]:
        return await self.db.read(usd_rates_in)

    async def set_usd_rates(self, rates: dict[str, Decimal | str | float]) -> None:
        now = self.clock.time()
        await self.db.write(lambda c: set_usd_rates_in(c, now, rates))
