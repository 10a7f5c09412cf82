"""The caller's wallets summed up: the owner summary's total in USD (get_owner_summary)."""

from __future__ import annotations

from typing import Any

from app.core.money import convert
from app.platforms.cashier.session import Session
from app.platforms.cashier.wallets import wallets

SUMMARY_CURRENCY = "USD"


async def owner_summary(session: Session) -> tuple[list[Any], int]:
    """Every wallet of the caller (read just now, so current) and their total in USD minor units."""
    ledger = session.sandbox.ledger
    accounts = await wallets(session)
    total_usd = 0
    for fresh in accounts:  # read inline just now (one read transaction): already current
        if fresh.currency == SUMMARY_CURRENCY:
            total_usd += fresh.balance
        else:
            rate = await ledger.fx.peek(fresh.currency, SUMMARY_CURRENCY)  # a read: no rate quote is stored
            total_usd += convert(fresh.balance, fresh.currency, SUMMARY_CURRENCY, rate)
    return accounts, total_usd
