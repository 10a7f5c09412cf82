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


# -- request payloads ----------------------------------------------------------------------------


def partner(p: Any) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "country": p.country, "service": p.service, "status": p.status}


def deposit(row: dict[str, Any], *, with_id: bool = False) -> dict[str, Any]:
    """A ``cashier_deposits`` row as get_deposit_status / get_history show it."""
    item: dict[str, Any] = {"id": row["id"]} if with_id else {}
    item.update(
        {
            "request_ref": row["request_ref"],
            "status": row["status"],
            "amount": amount(row["amount"], row["currency"]),
            "currency": row["currency"],
            "receipt_code": row["receipt_code"],
            "journal_id": row["journal_id"],
            "created_at": when(row["created_at"]),
            "completed_at": when(row["completed_at"]),
        }
    )
    return item


def withdrawal(row: dict[str, Any]) -> dict[str, Any]:
    """A ``cashier_withdrawals`` row as get_history shows it."""
    return {
        "id": row["id"],
        "request_ref": row["request_ref"],
        "amount": amount(row["amount"], row["currency"]),
        "currency": row["currency"],
        "destination": row["destination"],
        "status": row["status"],
        "receipt_code": row["receipt_code"],
        "created_at": when(row["created_at"]),
        "completed_at": when(row["completed_at"]),
    }


def statement(stmt: Any) -> dict[str, Any]:
    """A core ledger statement of one account (get_owner_statement's items)."""
    cur = stmt.account.currency
    return {
        "account_number": stmt.account.number,
        "currency": cur,
        "opening_balance": amount(stmt.opening_balance, cur),
        "closing_balance": amount(stmt.closing_balance, cur),
        "total_debits": amount(stmt.total_debits, cur),
        "total_credits": amount(stmt.total_credits, cur),
        "ledgers": [ledger_entry(e) for e in stmt.entries],
    }


def journal_details(journal: Any, own: set[int]) -> dict[str, Any]:
    """get_transaction_by_receipt: the journal, its entries (another user's balance hidden) and its fees."""
    ledgers = []
    for entry in journal.entries:
        # Another user's balance is theirs: a counterparty sees the amount, not the balance.
        private = entry.account_number.startswith("ACC-USER-") and entry.account_id not in own
        ledgers.append(
            {
                "account_number": entry.account_number,
                "amount": amount(entry.amount, entry.currency),
                "type": entry.side,
                "balance_after": None if private else amount(entry.balance_after, entry.currency),
                "description": entry.description,
            }
        )
    fees = [
        {"type": "FEE_TYPE_PLATFORM", "amount": amount(e.amount, e.currency), "currency": e.currency}
        for e in journal.entries
        if e.kind == "fee" and e.side == "DR_CR_CREDIT"
    ]
    return {
        "journal": {
            "id": journal.id,
            "transaction_type": journal.type,
            "description": journal.description,
            "created_at": when(journal.created_at),
        },
        "ledgers": ledgers,
        "fees": fees,
    }


def method_name(method: str) -> str:
    """Identity stores the channel ("email"); Cashier names it "otp_email"."""
    if method == "totp" or method.startswith("otp_"):
        return method
    return f"otp_{method}"


def verified(token: object, purpose: str, now: float) -> dict[str, Any]:
    """verify_otp / verify_totp: the single-use verification token."""
    expires_at = float(getattr(token, "expires_at", now))
    return {
        "verification_token": getattr(token, "token", ""),
        "purpose": purpose,
        "method": method_name(str(getattr(token, "method", ""))),
        "expires_in": max(0, round(expires_at - now)),
        "message": f"Use this token for your next {purpose} request",
    }


# -- pushes --------------------------------------------------------------------------------------


def transaction_completed(journal: Any, account_id: int, kind: str, minor: int, fee: int, currency: str) -> dict:
    """``transaction_completed`` of a transfer or conversion, with ``account_id``'s balance after it."""
    entries = journal.entries_of(account_id)
    balance_after = entries[-1].balance_after if entries else 0
    return {
        "receipt_code": journal.receipt_code,
        "transaction_id": journal.id,
        "transaction_type": kind,
        "amount": amount(minor, currency),
        "currency": currency,
        "balance_after": amount(balance_after, entries[-1].currency if entries else currency),
        "fee": amount(fee, currency),
        "timestamp": int(journal.created_at),
    }


def transfer_completed(
    journal: Any, minor: int, currency: str, from_account: str, to_account: str, fee: int, fee_currency: str
) -> dict[str, Any]:
    """``transfer_completed``: ``minor`` in ``currency`` from one account to another, the fee in ``fee_currency``."""
    return {
        "receipt_code": journal.receipt_code,
        "transaction_id": journal.id,
        "amount": amount(minor, currency),
        "currency": currency,
        "from_account": from_account,
        "to_account": to_account,
        "fee": amount(fee, fee_currency),
        "timestamp": int(journal.created_at),
    }


def deposit_completed(row: dict[str, Any], journal: Any, balance_after: int, stamp: int) -> dict[str, Any]:
    """``deposit_completed``: the deposit request ``row`` posted as ``journal``."""
    currency = row["currency"]
    return {
        "transaction_ref": row["request_ref"],
        "receipt_code": journal.receipt_code,
        "journal_id": journal.id,
        "amount": amount(row["amount"], currency),
        "currency": currency,
        "user_balance": amount(balance_after, currency),
        "fee_amount": amount(row["fee"], currency),
        "payment_method": row["service"],
        "completed_at": stamp,
        "timestamp": stamp,
    }


def withdrawal_completed(row: dict[str, Any], journal: Any, balance_after: int) -> dict[str, Any]:
    """``withdrawal_completed``: an agent-assisted one names the agent and its commission, a direct one the balance."""
    currency = row["currency"]
    if row["withdrawal_type"] == "agent_assisted":
        return {
            "request_ref": row["request_ref"],
            "receipt_code": journal.receipt_code,
            "agent_id": row["agent_id"],
            "agent_name": row["agent_name"],
            "fee_amount": amount(row["fee"], currency),
            "agent_commission": amount(int(row["agent_commission"] or 0), currency),
        }
    return {
        "request_ref": row["request_ref"],
        "receipt_code": journal.receipt_code,
        "balance_after": amount(balance_after, currency),
    }
