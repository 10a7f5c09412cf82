"""Refund routes: refund a transaction (its merchant or an admin), list a transaction's refunds."""

from __future__ import annotations

import sqlite3

from litestar import get, post

from app.core.clock import iso
from app.core.errors import InsufficientFunds
from app.core.identity.models import Principal
from app.core.ledger.holds import place_hold_in
from app.platforms.tribble import merchants
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.refunds import REFUND_KIND, check_refundable, refund_terms, refundable
from app.platforms.tribble.render import amount, new_id, ts
from app.platforms.tribble.schemas import RefundCreatedOut, RefundIn, RefundItem, RefundListOut, RefundSummary
from app.platforms.tribble.store import refunds as store
from app.platforms.tribble.transactions import visible_transaction
from app.registry import SandboxDep


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
    txn, merchant = await refundable(sandbox, caller, transactionId)
    currency = txn["currency"]
    minor, reason = refund_terms(data, currency)
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    refund_id = new_id("refund")
    now = sandbox.clock.time()
    captured = int(txn["amount"])

    def run(conn: sqlite3.Connection) -> int:
        remaining = captured - store.refunded_in(conn, txn["id"])
        value = remaining if minor is None else minor
        check_refundable(remaining, value, currency)
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
