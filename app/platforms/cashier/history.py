"""get_history (deposit and withdrawal requests) and get_transaction_by_receipt (a journal and its entries)."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier import render, schemas, store
from app.platforms.cashier.deposits import render_deposit
from app.platforms.cashier.errors import TRANSACTION_NOT_FOUND, CashierError
from app.platforms.cashier.session import Reply, Session
from app.platforms.cashier.wallets import wallets

HISTORY_TYPES = ("all", "deposits", "withdrawals")


def render_withdrawal(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "request_ref": row["request_ref"],
        "amount": render.amount(row["amount"], row["currency"]),
        "currency": row["currency"],
        "destination": row["destination"],
        "status": row["status"],
        "receipt_code": row["receipt_code"],
        "created_at": render.when(row["created_at"]),
        "completed_at": render.when(row["completed_at"]),
    }


async def get_history(session: Session, req: schemas.History) -> Reply:
    kind = req.type.strip().lower()
    if kind not in HISTORY_TYPES:
        raise CashierError(f"type must be one of: {', '.join(HISTORY_TYPES)}")
    db = session.sandbox.db
    deposits: list[dict[str, Any]] = []
    withdrawals: list[dict[str, Any]] = []
    if kind in ("all", "deposits"):
        rows = await store.list_of(db, store.DEPOSITS, session.user_id, req.limit, req.offset)
        deposits = [render_deposit(r, with_id=True) for r in rows]
    if kind in ("all", "withdrawals"):
        rows = await store.list_of(db, store.WITHDRAWALS, session.user_id, req.limit, req.offset)
        withdrawals = [render_withdrawal(r) for r in rows]
    return Reply("transaction history", {"deposits": deposits, "withdrawals": withdrawals})


async def get_transaction_by_receipt(session: Session, req: schemas.Receipt) -> Reply:
    code = req.receipt_code.strip()
    if not code:
        raise CashierError("receipt_code is required")
    journal = await session.sandbox.ledger.journal_by_receipt(code)
    own = {acc.id for acc in await wallets(session, required=False)}
    if journal is None or not any(e.account_id in own for e in journal.entries):
        raise CashierError(TRANSACTION_NOT_FOUND)
    ledgers = []
    for entry in journal.entries:
        # Another user's balance is theirs: a counterparty sees the amount, not the balance.
        private = entry.account_number.startswith("ACC-USER-") and entry.account_id not in own
        ledgers.append(
            {
                "account_number": entry.account_number,
                "amount": render.amount(entry.amount, entry.currency),
                "type": entry.side,
                "balance_after": None if private else render.amount(entry.balance_after, entry.currency),
                "description": entry.description,
            }
        )
    fees = [
        {"type": "FEE_TYPE_PLATFORM", "amount": render.amount(e.amount, e.currency), "currency": e.currency}
        for e in journal.entries
        if e.kind == "fee" and e.side == "DR_CR_CREDIT"
    ]
    return Reply(
        "transaction details",
        {
            "journal": {
                "id": journal.id,
                "transaction_type": journal.type,
                "description": journal.description,
                "created_at": render.when(journal.created_at),
            },
            "ledgers": ledgers,
            "fees": fees,
        },
    )
