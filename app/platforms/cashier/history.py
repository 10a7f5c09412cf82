"""The caller's deposit and withdrawal requests (get_history) and a journal by its receipt code."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier import store
from app.platforms.cashier.errors import TRANSACTION_NOT_FOUND, CashierError
from app.platforms.cashier.session import Session
from app.platforms.cashier.wallets import wallets

HISTORY_TYPES = ("all", "deposits", "withdrawals")


async def requests_of(
    session: Session, kind: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The caller's deposit rows and withdrawal rows, newest first (``kind`` all / deposits / withdrawals)."""
    kind = kind.strip().lower()
    if kind not in HISTORY_TYPES:
        raise CashierError(f"type must be one of: {', '.join(HISTORY_TYPES)}")
    db = session.sandbox.db
    deposits: list[dict[str, Any]] = []
    withdrawals: list[dict[str, Any]] = []
    if kind in ("all", "deposits"):
        deposits = await store.list_of(db, store.DEPOSITS, session.user_id, limit, offset)
    if kind in ("all", "withdrawals"):
        withdrawals = await store.list_of(db, store.WITHDRAWALS, session.user_id, limit, offset)
    return deposits, withdrawals


async def journal_by_receipt(session: Session, receipt_code: str) -> tuple[Any, set[int]]:
    """The journal with this receipt code when it touches one of the caller's wallets, and their ids."""
    code = receipt_code.strip()
    if not code:
        raise CashierError("receipt_code is required")
    journal = await session.sandbox.ledger.journal_by_receipt(code)
    own = {acc.id for acc in await wallets(session, required=False)}
    if journal is None or not any(e.account_id in own for e in journal.entries):
        raise CashierError(TRANSACTION_NOT_FOUND)
    return journal, own
