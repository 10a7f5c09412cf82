"""get_accounts, get_account_balance, get_owner_summary: the caller's wallets and balances."""

from __future__ import annotations

from app.core.money import to_float
from app.platforms.cashier import accounts, render, schemas
from app.platforms.cashier.session import Reply, Session
from app.platforms.cashier.wallets import own_account, wallets


async def get_accounts(session: Session, req: schemas.Empty) -> Reply:
    items = [render.account(acc) for acc in await wallets(session)]
    return Reply("accounts retrieved", {"accounts": items, "count": len(items)})


async def get_account_balance(session: Session, req: schemas.AccountRef) -> Reply:
    acc = await own_account(session, req.account_number)  # read inline just now: already current
    return Reply("balance retrieved", render.balance(acc))


async def get_owner_summary(session: Session, req: schemas.Empty) -> Reply:
    found, total_usd = await accounts.owner_summary(session)
    items = [
        {
            "account_number": fresh.number,
            "currency": fresh.currency,
            "balance": render.amount(fresh.balance, fresh.currency),
            "available_balance": render.amount(fresh.available, fresh.currency),
        }
        for fresh in found
    ]
    return Reply(
        "owner summary",
        {
            "account_balances": items,
            "total_balance_usd": to_float(total_usd, accounts.SUMMARY_CURRENCY),
            "total_accounts": len(items),
        },
    )
