"""get_account_statement, get_owner_statement, get_ledgers: statements and pages of ledger entries."""

from __future__ import annotations

from app.platforms.cashier import render, schemas, statements
from app.platforms.cashier.session import Reply, Session


async def get_account_statement(session: Session, req: schemas.AccountStatement) -> Reply:
    statement, (start, end) = await statements.account_statement(session, req.account_number, req.start, req.end)
    body = render.statement(statement)
    ledgers = body.pop("ledgers")
    body.update(
        {
            "period_start": render.when(start),
            "period_end": render.when(end),
            "ledgers": ledgers,
            "transaction_count": statement.count,
        }
    )
    return Reply("account statement", body)


async def get_owner_statement(session: Session, req: schemas.OwnerStatement) -> Reply:
    found, (start, end) = await statements.owner_statement(session, req.start, req.end)
    items = [render.statement(s) for s in found]
    return Reply(
        "owner statement",
        {"statements": items, "count": len(items), "period_start": render.when(start), "period_end": render.when(end)},
    )


async def get_ledgers(session: Session, req: schemas.Ledgers) -> Reply:
    entries, total = await statements.ledger_page(
        session, req.account_number, req.start, req.end, req.limit, req.offset
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
