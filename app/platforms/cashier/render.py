"""Core objects -> Cashier's JSON shapes: envelopes, amounts as JSON numbers, ISO times, ids."""

from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.core.money import to_float


def envelope(type_: str, data: Any, now: float, *, request_id: Any = None) -> dict[str, Any]:
    """``{"type", "data", "timestamp"}`` (unix seconds); the client's ``id`` echoed when it sent one."""
    message: dict[str, Any] = {"type": type_, "data": data, "timestamp": int(now)}
    if request_id is not None:
        message["id"] = request_id
    return message


def success(message: str, payload: Any, now: float, *, request_id: Any = None) -> dict[str, Any]:
    return envelope("success", {"message": message, "data": payload}, now, request_id=request_id)


def error(message: str, now: float, *, request_id: Any = None) -> dict[str, Any]:
    return envelope("error", {"message": message}, now, request_id=request_id)


def amount(minor: int | None, currency: str) -> float:
    """Minor units -> a JSON number in major units (10050 USD -> 100.5)."""
    return to_float(int(minor or 0), currency)


def when(ts: float | None) -> str | None:
    """Epoch seconds -> ``2025-12-07T10:30:00Z`` (None stays None)."""
    return None if ts is None else iso(ts)


def account(acc: Any) -> dict[str, Any]:
    return {
        "id": acc.id,
        "account_number": acc.number,
        "currency": acc.currency,
        "purpose": acc.purpose,
        "account_type": acc.type,
        "is_active": bool(acc.is_active),
        "is_locked": bool(acc.is_locked),
        "created_at": when(acc.created_at),
    }


def balance(acc: Any) -> dict[str, Any]:
    cur = acc.currency
    return {
        "account_number": acc.number,
        "balance": amount(acc.balance, cur),
        "available_balance": amount(acc.balance - acc.pending_debit, cur),
        "pending_debit": amount(acc.pending_debit, cur),
        "pending_credit": amount(acc.pending_credit, cur),
        "currency": cur,
        "last_transaction": when(acc.last_transaction_at),
    }


def ledger_entry(entry: Any, *, with_journal: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id}
    if with_journal:
        item["journal_id"] = entry.journal_id
    item.update(
        {
            "amount": amount(entry.amount, entry.currency),
            "type": entry.side,
            "currency": entry.currency,
            "balance_after": amount(entry.balance_after, entry.currency),
            "description": entry.description,
            "receipt_code": entry.receipt_code,
            "created_at": when(entry.created_at),
        }
    )
    return item
