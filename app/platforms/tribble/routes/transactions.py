"""Transaction routes: create a payment, one transaction, the list (the caller's, or a merchant's for its
owner). The rules are in transactions.py (payments.py posts them)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import HeaderParameter, QueryParameter

from app.core.clock import iso
from app.core.identity.models import Principal
from app.lean_response import Response
from app.platforms.tribble import merchants
from app.platforms.tribble.errors import request_id_of
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import amount
from app.platforms.tribble.schemas import (
    TransactionCreatedOut,
    TransactionIn,
    TransactionListOut,
    TransactionOut,
    TransactionSummary,
)
from app.platforms.tribble.store import transactions as store
from app.platforms.tribble.transactions import (
    ClientContext,
    base_url_of,
    create_payment,
    render_transaction,
    visible_transaction,
)
from app.registry import SandboxDep


def _client_ip(request: Request[Any, Any, Any]) -> str | None:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


def _client_context(request: Request[Any, Any, Any]) -> ClientContext:
    """(device id, client IP, country) the fraud engine scores."""
    device_id = (request.headers.get("x-device-id") or "").strip()[:200] or None
    country = (request.headers.get("x-country") or "").strip()[:2] or None
    return device_id, _client_ip(request), country


@post("/transactions", status_code=201, summary="Create a payment to a merchant", tags=["tribble: transactions"])
async def create_transaction(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    data: TransactionIn,
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", description="Retry-safe key", required=False)
    ] = None,
) -> Response[TransactionCreatedOut]:
    context, request_id = _client_context(request), request_id_of(request)
    return await create_payment(sandbox, caller, data, idempotency_key, context, request_id)


@get("/transactions/{transactionId:str}", summary="Transaction details", tags=["tribble: transactions"])
async def get_transaction_route(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
) -> TransactionOut:
    row = await visible_transaction(sandbox, caller, transactionId)
    return await render_transaction(sandbox, row, base_url_of(request))


@get("/transactions", summary="List transactions", tags=["tribble: transactions"])
async def list_transactions(
    caller: Principal,
    sandbox: SandboxDep,
    listing: ListQuery,
    merchant_id: Annotated[str | None, QueryParameter(name="merchantId", description="A merchant you own")] = None,
    type_: Annotated[str | None, QueryParameter(name="type", description="PAYMENT or FUND")] = None,
) -> TransactionListOut:
    if merchant_id:
        merchant = await merchants.get_merchant(sandbox, merchant_id)
        merchants.ensure_merchant_access(caller, merchant)
        rows = await sandbox.db.read(lambda conn: store.transactions_of_merchant(conn, merchant_id))
    else:
        user_id = caller.user.id
        rows = await sandbox.db.read(lambda conn: store.transactions_of_customer(conn, user_id))
    if type_:
        rows = [r for r in rows if r["kind"].upper() == type_.upper()]
    page, total = apply(
        rows,
        listing,
        status=lambda r: r["status"],
        created=lambda r: r["created_at"],
        text=lambda r: (r["id"], r["description"], r["merchant_id"], r["metadata"], r["currency"]),
        sort_keys={
            "createdAt": lambda r: r["created_at"],
            "amount": lambda r: r["amount"],
            "status": lambda r: r["status"],
            "completedAt": lambda r: r["completed_at"],
        },
    )
    return TransactionListOut(
        transactions=[
            TransactionSummary(
                transaction_id=r["id"],
                type=r["kind"].upper(),
                amount=amount(int(r["amount"]), r["currency"]),
                currency=r["currency"],
                merchant_id=r["merchant_id"],
                status=r["status"],
                description=r["description"],
                created_at=iso(r["created_at"]),
            )
            for r in page
        ],
        pagination=listing.page(total),
    )


ROUTES = [create_transaction, get_transaction_route, list_transactions]
