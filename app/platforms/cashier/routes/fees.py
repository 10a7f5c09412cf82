"""calculate_fee: a quote from the fee table."""

from __future__ import annotations

from app.platforms.cashier import fees, render, schemas
from app.platforms.cashier.session import Reply, Session


async def calculate_fee(session: Session, req: schemas.CalculateFee) -> Reply:
    quote, fee_currency = await fees.quote_fee(session, req)
    return Reply(
        "fee calculated",
        {
            "fee_type": quote.fee_type,
            "amount": render.amount(quote.fee, fee_currency),
            "currency": fee_currency,
            "applied_rate": str(quote.rate),
        },
    )
