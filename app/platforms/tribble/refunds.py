"""Refunds: issued by the transaction's merchant (or an admin); customers open disputes instead.

Creating a refund checks the refundable amount (captured less earlier non-failed refunds) and
places a hold on the merchant account in one savepoint, so two refunds can never exceed the
captured amount. The simulator ("card" for card payments, "transfer" for wallet payments)
completes it: the hold is posted to the customer's wallet (or back to the card, i.e. the
settlement account); a failure voids the hold.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.errors import DomainError
from app.core.identity.models import Principal
from app.core.ledger.models import Journal, Leg
from app.core.money import parse_amount
from app.platforms.tribble import merchants
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import amount
from app.platforms.tribble.schemas import RefundIn
from app.platforms.tribble.store import refunds as store
from app.platforms.tribble.store import transactions as transactions_store
from app.platforms.tribble.transactions import visible_transaction
from app.runtime import Sandbox

REFUND_KIND = "tribble.refund"


async def refundable(sandbox: Sandbox, caller: Principal, transaction_id: str) -> tuple[Any, Any]:
    """(transaction, merchant) of a refund the caller may issue: the merchant's owner or an admin."""
    txn = await visible_transaction(sandbox, caller, transaction_id)
    if txn["kind"] != "payment" or not txn["merchant_id"]:
        raise TribbleError("UNPROCESSABLE_ENTITY", "Only payments to merchants can be refunded")
    merchant = await merchants.get_merchant(sandbox, txn["merchant_id"])
    if int(merchant["owner_user_id"]) != caller.user.id and not caller.user.is_admin:
        raise TribbleError(
            "FORBIDDEN",
            "Refunds are issued by the merchant; customers can open a dispute",
            {"transactionId": transaction_id},
        )
    if txn["status"] != "SUCCESS":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY", "Only successful transactions can be refunded", {"status": txn["status"]}
        )
    return txn, merchant


def refund_terms(data: RefundIn, currency: str) -> tuple[int | None, str]:
    """(the amount asked in minor units, None for the rest; the reason)."""
    minor: int | None = None
    if data.amount is not None:
        try:
            minor = parse_amount(data.amount, currency)
        except DomainError as exc:
            raise invalid_amount("amount", exc) from None
    reason = data.reason.strip() or "requested_by_customer"
    if len(reason) > 100 or len(data.description) > 500:
        raise invalid("reason" if len(reason) > 100 else "description", "value is too long")
    return minor, reason


def check_refundable(remaining: int, value: int, currency: str) -> None:
    if remaining <= 0:
        raise TribbleError("UNPROCESSABLE_ENTITY", "Transaction is already fully refunded", {"refundable": 0.0})
    if value > remaining:
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Refund amount exceeds the refundable amount",
            {"field": "amount", "refundable": amount(remaining, currency)},
        )


async def settle_refund(sandbox: Sandbox, op: Any, outcome: Any) -> None:
    refund = await sandbox.db.read(lambda conn: store.refund_by_id(conn, op.ref))
    if refund is None or refund["status"] != "PENDING":
        return
    txn = await sandbox.db.read(lambda conn: transactions_store.transaction_by_id(conn, refund["transaction_id"]))
    now = sandbox.clock.time()
    if not outcome.succeeded or txn is None:
        await sandbox.ledger.void_hold(int(refund["hold_id"]), reason=outcome.error_message or "refund failed")
        reason = outcome.error_message or "Refund failed"
        await sandbox.db.write(lambda conn: store.fail_refund(conn, op.ref, reason, now))
        return
    merchant = await merchants.get_merchant(sandbox, txn["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, refund["currency"])
    if txn["wallet_account_id"] is not None:
        target = int(txn["wallet_account_id"])
    else:
        target = (await sandbox.ledger.system_account("settlement", refund["currency"])).id

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        store.complete_refund(conn, op.ref, journal.id, now)

    await sandbox.ledger.post_hold(
        int(refund["hold_id"]),
        "TRANSACTION_TYPE_REFUND",
        [Leg(merchant_acct.id, target, int(refund["amount"]), description=f"Refund {op.ref}")],
        description=f"Tribble refund {op.ref} of {txn['id']}",
        idempotency_key=f"op:{op.ref}:{outcome.status}",
        metadata={"platform": "tribble", "refundId": op.ref, "transactionId": txn["id"]},
        on_posted=done,
    )
