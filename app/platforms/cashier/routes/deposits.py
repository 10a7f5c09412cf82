"""deposit_request, get_deposit_status, cancel_deposit."""

from __future__ import annotations

from app.platforms.cashier import deposits, render, schemas
from app.platforms.cashier.deposit_settlement import PENDING
from app.platforms.cashier.session import Reply, Session


async def deposit_request(session: Session, req: schemas.DepositRequest) -> Reply:
    new = await deposits.create_deposit(session, req)
    return Reply(
        "deposit request created",
        {
            "request_ref": new.ref,
            "partner_id": new.partner.id,
            "partner_name": new.partner.name,
            "amount": render.amount(new.amount, new.currency),
            "currency": new.currency,
            "status": PENDING,
            "expires_at": render.when(new.expires_at),
        },
    )


async def get_deposit_status(session: Session, req: schemas.RequestRef) -> Reply:
    return Reply("deposit status", render.deposit(await deposits.own_deposit(session, req.request_ref)))


async def cancel_deposit(session: Session, req: schemas.RequestRef) -> Reply:
    await deposits.cancel_deposit(session, req.request_ref)
    return Reply("deposit cancelled", None)
