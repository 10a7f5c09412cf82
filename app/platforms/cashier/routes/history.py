"""get_history (deposit and withdrawal requests) and get_transaction_by_receipt (a journal and its entries)."""

from __future__ import annotations

from app.platforms.cashier import history, render, schemas
from app.platforms.cashier.session import Reply, Session


async def get_history(session: Session, req: schemas.History) -> Reply:
    deposits, withdrawals = await history.requests_of(session, req.type, req.limit, req.offset)
    return Reply(
        "transaction history",
        {
            "deposits": [render.deposit(r, with_id=True) for r in deposits],
            "withdrawals": [render.withdrawal(r) for r in withdrawals],
        },
    )


async def get_transaction_by_receipt(session: Session, req: schemas.Receipt) -> Reply:
    journal, own = await history.journal_by_receipt(session, req.receipt_code)
    return Reply("transaction details", render.journal_details(journal, own))
