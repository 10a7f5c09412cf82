"""get_account_statement, get_owner_statement, get_ledgers: periods and pages of ledger entries.

``from`` / ``to`` are ISO-8601; ``to`` is inclusive to the second. Opening balance is the
balance before ``from``; closing = opening + credits - debits over the period.
"""

from __future__ import annotations

from typing import Any

from app.platforms.cashier import render, schemas
from app.platforms.cashier.session import Reply, Session
from app.platforms.cashier.wallets import own_account, period, wallets


def _bounds(session: Session, start: float | None, end: float | None, since: float) -> tuple[str | None, str | None]:
    return render.when(start if start is not None else since), render.when(
        end - 1 if end is not None else session.now()
    )


def _statement(statement: Any) -> dict[str, Any]:
    cur = statement.account.currency
    return {
        "account_number": statement.account.number,
        "currency": cur,
        "opening_balance": render.amount(statement.opening_balance, cur),
        "closing_balance": render.amount(statement.closing_balance, cur),
        "total_debits": render.amount(statement.total_debits, cur),
        "total_credits": render.amount(statement.total_credits, cur),
        "ledgers": [render.ledger_entry(e) for e in statement.entries],
    }


async def get_account_statement(session: Session, req: schemas.AccountStatement) -> Reply:
    acc = await own_account(session, req.account_number)
    start, end = period(req.start, req.end)
    statement = await session.sandbox.ledger.statement(acc.id, start=start, end=end)
    period_start, period_end = _bounds(session, start, end, acc.created_at)
    body = _statement(statement)
    ledgers = body.pop("ledgers")
    body.update(
        {
            "period_start": period_start,
            "period_end": period_end,
            "ledgers": ledgers,
            "transaction_count": statement.count,
        }
    )
    return Reply("account statement", body)


async def get_owner_statement(session: Session, req: schemas.OwnerStatement) -> Reply:
    start, end = period(req.start, req.end)
    accounts = await wallets(session)
    statements = [_statement(await session.sandbox.ledger.statement(a.id, start=start, end=end)) for a in accounts]
    period_start, period_end = _bounds(session, start, end, min(a.created_at for a in accounts))
    return Reply(
        "owner statement",
        {"statements": statements, "count": len(statements), "period_start": period_start, "period_end": period_end},
    )


async def get_ledgers(session: Session, req: schemas.Ledgers) -> Reply:
    acc = await own_account(session, req.account_number)
    start, end = period(req.start, req.end)
    entries, total = await session.sandbox.ledger.entries(
        acc.id, start=start, end=end, limit=req.limit, offset=req.offset, newest_first=True
    )
    return Reply(
        "ledgers retrieved",
        {
            "ledgers": [render.ledger_entry(e, with_journal=True) for e in entries],
            "total": total,
            "limit": req.limit,
            "offset": req.offset,
        },
    )
