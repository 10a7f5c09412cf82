"""What a deposit's and a withdrawal's settlement share: the pushes, the reversal and the partner float.

``transaction_completed`` / ``transaction_failed`` carry the same fields for both kinds; a reversal
posts the given legs back under ``op:<ref>:reversed`` and marks the request ``reversed`` in the same
savepoint.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.events import Event
from app.core.ledger.models import Leg
from app.platforms.cashier import render, store
from app.platforms.cashier.errors import CashierError
from app.platforms.cashier.session import settled
from app.platforms.cashier.wallets import owner_account_id


async def partner_float_id(sandbox: Any, partner_id: Any, currency: str) -> int:
    """The partner's float account in ``currency``, or the settlement system account."""
    partner = await settled(sandbox.simulators.partners.get(partner_id))
    float_id = owner_account_id(partner, currency) if partner is not None else None
    if float_id is None:
        float_id = (await sandbox.ledger.system_account("settlement", currency)).id
    return float_id


async def publish_transaction_completed(
    sandbox: Any,
    user_id: int,
    journal: Any,
    *,
    kind: str,
    amount: int,
    currency: str,
    balance_after: int,
    fee: int,
    stamp: int,
) -> None:
    await sandbox.events.publish(
        Event(
            "transaction_completed",
            {
                "receipt_code": journal.receipt_code,
                "transaction_id": journal.id,
                "transaction_type": kind,
                "amount": render.amount(amount, currency),
                "currency": currency,
                "balance_after": render.amount(balance_after, currency),
                "fee": render.amount(fee, currency),
                "timestamp": stamp,
            },
            user_id=user_id,
            platform="cashier",
        )
    )


async def publish_transaction_failed(
    sandbox: Any, user_id: int, *, ref: str, kind: str, amount: int, currency: str, reason: str, stamp: int
) -> None:
    await sandbox.events.publish(
        Event(
            "transaction_failed",
            {
                "receipt_code": None,
                "transaction_id": None,
                "transaction_ref": ref,
                "transaction_type": kind,
                "amount": render.amount(amount, currency),
                "currency": currency,
                "error": reason,
                "timestamp": stamp,
            },
            user_id=user_id,
            platform="cashier",
        )
    )


async def post_reversal(
    sandbox: Any,
    row: dict[str, Any],
    table: str,
    legs: list[Leg],
    *,
    wallet_id: int,
    description: str,
    reason: str,
    not_completed: str,
) -> None:
    """Post ``legs`` as the reversal of the completed request ``row`` and push ``transaction_completed``.

    Raises ``CashierError(not_completed)`` (nothing posted) when the request is no longer completed.
    """
    ref = row["request_ref"]
    now = sandbox.clock.time()

    def record(conn: sqlite3.Connection, journal: Any) -> None:
        values = {"status": "reversed", "error_message": reason, "updated_at": now}
        if not store.update_if_in(conn, table, ref, "completed", values):
            raise CashierError(not_completed)

    journal = await sandbox.ledger.post(
        "TRANSACTION_TYPE_REVERSAL",
        legs,
        description=description,
        idempotency_key=f"op:{ref}:reversed",
        metadata={"platform": "cashier", "request_ref": ref},
        on_posted=record,
    )
    if journal.replayed:
        return
    entries = journal.entries_of(wallet_id)
    await publish_transaction_completed(
        sandbox,
        row["user_id"],
        journal,
        kind="reversal",
        amount=row["amount"],
        currency=row["currency"],
        balance_after=entries[-1].balance_after if entries else 0,
        fee=0,
        stamp=int(now),
    )
