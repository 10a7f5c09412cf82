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

from litestar import get, post

from app.core.clock import iso
from app.core.errors import DomainError, InsufficientFunds
from app.core.identity.models import Principal
from app.core.ledger.holds import place_hold_in
from app.core.ledger.models import Journal, Leg
from app.core.money import parse_amount
from app.platforms.tribble import merchants
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import amount, new_id, ts
from app.platforms.tribble.schemas import RefundCreatedOut, RefundIn, RefundItem, RefundListOut, RefundSummary
from app.platforms.tribble.store import refunds as store
from app.platforms.tribble.store import transactions as transactions_store
from app.platforms.tribble.transactions import visible_transaction
from app.registry import SandboxDep
from app.runtime import Sandbox

REFUND_KIND = "tribble.refund"


async def _refundable(sandbox: Sandbox, caller: Principal, transaction_id: str) -> tuple[Any, Any]:
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


def _refund_terms(data: RefundIn, currency: str) -> tuple[int | None, str]:
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


def _check_refundable(remaining: int, value: int, currency: str) -> None:
    if remaining <= 0:
        raise TribbleError("UNPROCESSABLE_ENTITY", "Transaction is already fully refunded", {"refundable": 0.0})
    if value > remaining:
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Refund amount exceeds the refundable amount",
            {"field": "amount", "refundable": amount(remaining, currency)},
        )


@post(
    "/transactions/{transactionId:str}/refund",
    status_code=201,
    summary="Refund a transaction",
    tags=["tribble: refunds"],
)
async def create_refund(
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
    data: RefundIn | None = None,
) -> RefundCreatedOut:
    data = data or RefundIn()
    txn, merchant = await _refundable(sandbox, caller, transactionId)
    currency = txn["currency"]
    minor, reason = _refund_terms(data, currency)
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    refund_id = new_id("refund")
    now = sandbox.clock.time()
    captured = int(txn["amount"])

    def run(conn: sqlite3.Connection) -> int:
        remaining = captured - store.refunded_in(conn, txn["id"])
        value = remaining if minor is None else minor
        _check_refundable(remaining, value, currency)
        hold = place_hold_in(conn, now, merchant_acct.id, value, reference=f"tribble:{refund_id}")
        store.insert_refund(
            conn, refund_id, txn["id"], value, currency, reason, data.description, caller.user.id, hold.id, now
        )
        return value

    try:
        value = int(await sandbox.db.write(run))
    except InsufficientFunds:
        raise TribbleError(
            "INSUFFICIENT_FUNDS", "Merchant balance is insufficient for this refund", {"merchantId": merchant["id"]}
        ) from None
    simulator = "transfer" if txn["wallet_account_id"] is not None else "card"
    await sandbox.simulators.operations.start(
        REFUND_KIND,
        refund_id,
        simulator=simulator,
        user_id=int(txn["customer_user_id"]),
        amount=value,
        currency=currency,
        payload={"transaction_id": txn["id"]},
    )
    return RefundCreatedOut(
        refund_id=refund_id,
        transaction_id=txn["id"],
        amount=amount(value, currency),
        status="PENDING",
        reason=reason,
        created_at=iso(now),
        message="Refund initiated. Processing time: 24-48 hours",
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


@get("/transactions/{transactionId:str}/refunds", summary="Refunds of a transaction", tags=["tribble: refunds"])
async def list_refunds(
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
    listing: ListQuery,
) -> RefundListOut:
    txn = await visible_transaction(sandbox, caller, transactionId)
    rows = await sandbox.db.read(lambda conn: store.refunds_of_transaction(conn, txn["id"]))
    currency = txn["currency"]
    completed = [r for r in rows if r["status"] == "COMPLETED"]
    page, total = apply(
        rows,
        listing,
        status=lambda r: r["status"],
        created=lambda r: r["created_at"],
        text=lambda r: (r["id"], r["reason"], r["description"]),
        sort_keys={"createdAt": lambda r: r["created_at"], "amount": lambda r: r["amount"]},
    )
    return RefundListOut(
        transaction_id=txn["id"],
        refunds=[
            RefundItem(
                refund_id=r["id"],
                amount=amount(int(r["amount"]), currency),
                status=r["status"],
                reason=r["reason"],
                created_at=iso(r["created_at"]),
                completed_at=ts(r["completed_at"]),
            )
            for r in page
        ],
        summary=RefundSummary(
            total_refunded=amount(sum(int(r["amount"]) for r in completed), currency), refund_count=len(rows)
        ),
        pagination=listing.page(total),
    )


ROUTES = [create_refund, list_refunds]
