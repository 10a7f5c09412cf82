"""Remittance corridors (supported recipient countries), fees, limits and delivery estimates."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.core.money import convert
from app.runtime import Sandbox

SEND_CURRENCY = "NOK"
REMITTANCE_MIN = 100_00
REMITTANCE_MAX = 50_000_00
QR_MIN = 1_00
QR_MAX = 100_000_00
# What GET /api/rates lists (the contract's example set).
RATE_CURRENCIES = ("RSD", "BAM", "PLN", "PKR", "TRY", "EUR")


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    currency: str
    eea: bool


COUNTRIES: dict[str, Country] = {
    "RS": Country("RS", "Serbia", "RSD", False),
    "BA": Country("BA", "Bosnia and Herzegovina", "BAM", False),
    "PL": Country("PL", "Poland", "PLN", True),
    "PK": Country("PK", "Pakistan", "PKR", False),
    "TR": Country("TR", "Turkey", "TRY", False),
}

INSTANT = "Instant"
EEA_ETA = "1-2 business days"
NON_EEA_ETA = "2-4 business days"


def eta_for(country: str) -> str:
    found = COUNTRIES.get(country)
    return EEA_ETA if found is not None and found.eea else NON_EEA_ETA


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@dataclass(frozen=True, slots=True)
class FxQuote:
    rate: Decimal
    updated_at: float


async def rate(sandbox: Sandbox, currency: str, *, store: bool = True) -> FxQuote:
    """NOK -> ``currency`` from the shared FX table (``sandbox.ledger.fx``).

    ``store=False`` (rates display, disclosure) reads the rate without recording an FX quote.
    """
    fx = sandbox.ledger.fx
    if not store and hasattr(fx, "peek"):
        value = await _maybe(fx.peek(SEND_CURRENCY, currency))
        return FxQuote(Decimal(value), sandbox.clock.time())
    quote = await _maybe(fx.rate(SEND_CURRENCY, currency))
    return FxQuote(Decimal(quote.rate), float(getattr(quote, "created_at", 0.0) or sandbox.clock.time()))


async def fee_of(sandbox: Sandbox, transaction_type: str, amount: int) -> tuple[int, Decimal]:
    """(fee minor, rate) from the shared fee table (scheme ``drop``: remittance 0.5%, qr_payment 1% by default)."""
    quote = await _maybe(sandbox.ledger.fees.quote("drop", transaction_type, SEND_CURRENCY, amount))
    return int(quote.fee), Decimal(quote.rate)


def receive_amount(amount: int, currency: str, fx_rate: Decimal) -> int:
    return convert(amount, SEND_CURRENCY, currency, fx_rate)
