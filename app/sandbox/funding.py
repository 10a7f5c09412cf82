"""Money on demand for the control API and fixtures: fund a user's wallet, or take money back.

``move_money`` picks the wallet by the platform's rule (``app.core.wallet_rules``: opened when
the platform allows, for a credit), then runs one write job: the idempotency lookup, the posting
from or to the funding account (``app.core.ledger.funding``), the answer, and the stored answer,
all in one savepoint. Opening the wallet is a separate get-or-create before it (no money moves
there; a retry finds the same wallet).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core import idempotency
from app.core.clock import iso
from app.core.errors import Conflict, InsufficientFunds, NotFound
from app.core.ledger.accounts import require_account_in
from app.core.ledger.funding import Direction, funding_account_in, move_in
from app.core.ledger.postings import check_amount
from app.core.money import format_amount, normalize_currency
from app.core.wallet_rules import PlatformWallet, rule_for

if TYPE_CHECKING:
    from app.runtime import Sandbox


@dataclass(frozen=True, slots=True)
class MoneyOrder:
    direction: Direction
    user_id: int
    email: str
    currency: str
    amount: int  # minor units
    platform: str | None = None
    idempotency_key: str | None = None
    description: str = ""


def _scope(order: MoneyOrder) -> str:
    return f"sandbox.{order.direction}:{order.user_id}"


def _request(order: MoneyOrder, platform: str) -> dict[str, Any]:
    return {"currency": order.currency, "amount": order.amount, "platform": platform}


def _short_of(exc: InsufficientFunds, order: MoneyOrder) -> Conflict:
    available = int(exc.details.get("available", 0))
    cur = order.currency
    return Conflict(
        f"Cannot take {format_amount(order.amount, cur)} {cur}: the wallet has only "
        f"{format_amount(max(available, 0), cur)} {cur} available (balance minus held funds)",
        code="insufficient_funds",
        available=available,
        required=order.amount,
        currency=cur,
    )


async def move_money(sandbox: Sandbox, order: MoneyOrder) -> dict[str, Any]:
    """Fund or debit; the answer (a plain dict, also what an idempotent retry gets back, ``replayed`` true)."""
    currency = normalize_currency(order.currency)
    check_amount(order.amount)
    order = MoneyOrder(
        order.direction,
        order.user_id,
        order.email,
        currency,
        order.amount,
        order.platform,
        order.idempotency_key,
        order.description,
    )
    rule = rule_for(sandbox, order.platform)
    request = _request(order, rule.platform)
    scope, key = _scope(order), order.idempotency_key
    if key is not None:  # a retry answers at once, before any wallet is opened
        stored = await sandbox.db.read(lambda conn: idempotency.lookup_in(conn, scope, key, request))
        if stored is not None:
            return {**stored, "replayed": True}
    if order.direction == "fund":
        wallet = await rule.open(order.user_id, currency)
    else:
        found = await rule.find(order.user_id, currency)
        if found is None:
            raise NotFound(
                f"User {order.email} has no {currency} wallet"
                + ("" if rule.platform == "ledger" else f" on {rule.platform}"),
                code="wallet_not_found",
                currency=currency,
                platform=rule.platform,
            )
        wallet = found

    def run(conn: sqlite3.Connection) -> dict[str, Any]:
        if key is not None:
            stored = idempotency.lookup_in(conn, scope, key, request)
            if stored is not None:
                return {**stored, "replayed": True}
        now = sandbox.clock.time()
        account = require_account_in(conn, wallet.account_id)
        journal_key = f"{scope}:{key}" if key is not None else None
        try:
            journal = move_in(
                conn,
                now,
                account,
                order.amount,
                order.direction,
                description=order.description or None,
                idempotency_key=journal_key,
            )
        except InsufficientFunds as exc:
            if order.direction == "fund":
                raise
            raise _short_of(exc, order) from None
        after = require_account_in(conn, account.id)
        answer = _answer(order, rule.platform, wallet, after, journal.id, journal.receipt_code, now)
        answer["funding_account"] = funding_account_in(conn, now, currency).number
        if key is not None:
            idempotency.remember_in(conn, scope, key, request, answer, now=now)
        return {**answer, "replayed": False}

    result: dict[str, Any] = await sandbox.db.write(run)
    return result


def _answer(
    order: MoneyOrder, platform: str, wallet: PlatformWallet, account: Any, journal_id: int, receipt: str, now: float
) -> dict[str, Any]:
    return {
        "direction": order.direction,
        "user_id": order.user_id,
        "email": order.email,
        "platform": platform,
        "currency": order.currency,
        "amount": order.amount,
        "wallet": {
            "platform": wallet.platform,
            "id": wallet.wallet_id,
            "status": wallet.status,
            "account_id": account.id,
            "account_number": account.number,
        },
        "balance": account.balance,
        "available": account.balance - account.pending_debit,
        "journal_id": journal_id,
        "receipt_code": receipt,
        "created_at": iso(now),
    }
