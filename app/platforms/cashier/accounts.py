"""get_accounts, get_account_balance, get_owner_summary: the caller's wallets and balances."""

from __future__ import annotations

from app.core.money import convert, to_float
from app.platforms.cashier import render, schemas
from app.platforms.cashier.session import Reply, Session
from app.platforms.cashier.wallets import own_account, wallets

SUMMARY_CURRENCY = "USD"


async def get_accounts(session: Session, req: schemas.Empty) -> Reply:
    accounts = await wallets(session)
    items = [render.account(acc) for acc in accounts]
    return Reply("accounts retrieved", {"accounts": items, "count": len(items)})


async def get_account_balance(session: Session, req: schemas.AccountRef) -> Reply:
    acc = await own_account(session, req.account_number)  # read inline just now: already current
    return Reply("balance retrieved", render.balance(acc))


async def get_owner_summary(session: Session, req: schemas.Empty) -> Reply:
    ledger = session.sandbox.ledger
    accounts = await wallets(session)
    items = []
    total_usd = 0
    for fresh in accounts:  # read inline just now (one read transaction): already current
        items.append(
            {
                "account_number": fresh.number,
                "currency": fresh.currency,
                "balance": render.amount(fresh.balance, fresh.currency),
                "available_balance": render.amount(fresh.available, fresh.currency),
            }
        )
        if fresh.currency == SUMMARY_CURRENCY:
            total_usd += fresh.balance
        else:
            rate = await ledger.fx.peek(fresh.currency, SUMMARY_CURRENCY)  # a read: no rate quote is stored
            total_usd += convert(fresh.balance, fresh.currency, SUMMARY_CURRENCY, rate)
    return Reply(
        "owner summary",
        {
            "account_balances": items,
            "total_balance_usd": to_float(total_usd, SUMMARY_CURRENCY),
            "total_accounts": len(items),
        },
    )
