"""A fee quote from the fee table (``fee_rules``, scheme "cashier") for calculate_fee."""

from __future__ import annotations

from typing import Any

from app.core.money import parse_amount
from app.platforms.cashier import schemas
from app.platforms.cashier.errors import CashierError
from app.platforms.cashier.session import Session, settled
from app.platforms.cashier.wallets import currency_of

FEE_TYPES = ("transfer", "withdrawal", "conversion", "deposit")


async def quote_fee(session: Session, req: schemas.CalculateFee) -> tuple[Any, str]:
    """The fee quote of the request and the currency the fee is in."""
    kind = req.transaction_type.strip().lower()
    if kind not in FEE_TYPES:
        raise CashierError(f"transaction_type must be one of: {', '.join(FEE_TYPES)}")
    currency = currency_of(req.source_currency, "source_currency")
    if kind == "conversion":
        if not req.target_currency or not req.target_currency.strip():
            raise CashierError("target_currency is required for conversion")
        if currency_of(req.target_currency, "target_currency") == currency:
            raise CashierError("source_currency and target_currency must differ")
    minor = parse_amount(req.amount, currency)
    quote = await settled(session.sandbox.ledger.fees.quote("cashier", kind, currency, minor))
    return quote, getattr(quote, "currency", None) or currency
