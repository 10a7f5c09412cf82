"""withdraw_request: a direct (partner) or agent-assisted withdrawal."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier import render, schemas, withdrawals
from app.platforms.cashier.session import Reply, Session
from app.platforms.cashier.withdrawal_settlement import PENDING


async def withdraw_request(session: Session, req: schemas.WithdrawRequest) -> Reply:
    new = await withdrawals.create_withdrawal(session, req)
    values = new.values
    data: dict[str, Any] = {
        "request_ref": new.ref,
        "amount": render.amount(values["amount"], values["currency"]),
        "currency": values["currency"],
        "destination": values["destination"],
        "status": PENDING,
    }
    if values["agent_id"] is not None:
        data.update(
            {
                "agent_id": values["agent_id"],
                "agent_name": values["agent_name"],
                "agent_account": values["agent_account"],
            }
        )
    data["withdrawal_type"] = values["withdrawal_type"]
    data["created_at"] = int(values["created_at"])
    return Reply("withdrawal request created and being processed", data)
