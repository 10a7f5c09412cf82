"""transfer (P2P) and convert_and_transfer (FX)."""

from __future__ import annotations

from app.platforms.cashier import render, schemas, transfers
from app.platforms.cashier.session import Reply, Session


async def transfer(session: Session, req: schemas.Transfer) -> Reply:
    moved = await transfers.transfer(session, req)
    journal, currency = moved.journal, moved.currency
    return Reply(
        "transfer completed",
        {
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "amount": render.amount(moved.amount, currency),
            "fee": render.amount(moved.fee, currency),
            "agent_commission": render.amount(0, currency),
            "created_at": render.when(journal.created_at),
        },
    )


async def convert_and_transfer(session: Session, req: schemas.ConvertAndTransfer) -> Reply:
    moved = await transfers.convert_and_transfer(session, req)
    journal, rate = moved.journal, moved.rate
    return Reply(
        "conversion completed",
        {
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "source_currency": moved.currency,
            "dest_currency": moved.dest_currency,
            "source_amount": render.amount(moved.amount, moved.currency),
            "converted_amount": render.amount(moved.converted, moved.dest_currency),
            "fx_rate": str(rate.rate),
            "fx_rate_id": rate.id,
            "fee": render.amount(moved.fee, moved.currency),
            "created_at": render.when(journal.created_at),
        },
    )
