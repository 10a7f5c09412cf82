"""/api/transactions: list, summary, get, receipt, remittance, qr-payment, disclosure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post

from app.core.errors import ValidationFailed
from app.lean_response import Response
from app.platforms.drop import corridors, disclosures, payments, render
from app.platforms.drop.auth import current_user
from app.platforms.drop.errors import (
    bad_request,
    documented,
    field_error,
    forbidden,
    not_found,
    validation_error,
)
from app.platforms.drop.filters import Field, fetch_page
from app.platforms.drop.limits import MONEY_LIMIT, enforce
from app.platforms.drop.parsing import json_object, money, page_params
from app.platforms.drop.respond import banks_of, client_request_id, ok
from app.platforms.drop.schemas import (
    Data,
    DropDisclosure,
    DropQrPayment,
    DropQrPaymentDetail,
    DropReceipt,
    DropRemittance,
    DropRemittanceDetail,
    DropSummary,
    DropSummaryPeriod,
    DropTransactionItem,
    Page,
)
from app.platforms.drop.store import merchants, recipients, transactions
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox.explain import explain_headers

TAGS = ["Drop: transactions"]
TYPES = ("remittance", "qr_payment")
STATUSES = ("processing", "completed", "failed")


TX_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "updatedAt": Field("updated_at", "time"),
    "completedAt": Field("completed_at", "time"),
    "type": Field("type"),
    "status": Field("status"),
    "amount": Field("amount", "money"),
    "currency": Field("currency"),
}


@get("/api/transactions", tags=TAGS, summary="List the user's transactions (amounts negated)")
async def list_transactions(
    request: Request[Any, Any, Any],
    sandbox: SandboxDep,
    page: str | None = None,
    limit: str | None = None,
    type: str | None = None,
    status: str | None = None,
    sort: str | None = None,
    dir: str | None = None,
) -> Response[Page[DropTransactionItem]]:
    """Filters: ``type``, ``status`` and the template operators (``createdAt[gte]``, ``status[in]`` ...)."""
    user = await current_user(request, sandbox)
    number, size = page_params(page, limit, default_limit=20, max_limit=50)
    if type and type not in TYPES:
        raise bad_request("type must be remittance or qr_payment", [field_error("type", "invalid value")])
    if status and status not in STATUSES:
        raise bad_request("status must be processing, completed or failed", [field_error("status", "invalid")])
    rows, pagination = await fetch_page(
        sandbox.db,
        transactions.TABLE,
        ("user_id", user.id),
        request.query_params.multi_items(),
        TX_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    return ok(request, Page([render.tx_item(row) for row in rows], pagination))


def _period(rows: list[Any]) -> DropSummaryPeriod:
    live = [r for r in rows if r["status"] != "failed"]
    sent = sum(int(r["amount"]) for r in live if r["type"] == "remittance")
    paid = sum(int(r["amount"]) for r in live if r["type"] == "qr_payment")
    return DropSummaryPeriod(
        total_count=len(live),
        total_sent=render.amount(sent, "NOK"),
        total_paid=render.amount(paid, "NOK"),
        remittance_count=sum(1 for r in live if r["type"] == "remittance"),
        qr_payment_count=sum(1 for r in live if r["type"] == "qr_payment"),
    )


@get("/api/transactions/summary", tags=TAGS, summary="Summary statistics (all time and this month)")
async def summary(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSummary]]:
    user = await current_user(request, sandbox)
    rows = await transactions.summary_rows(sandbox.db, user.id)
    now = sandbox.clock.now()
    month_start = datetime(now.year, now.month, 1, tzinfo=UTC).timestamp()
    this_month = [r for r in rows if float(r["created_at"]) >= month_start]
    return ok(request, Data(DropSummary(_period(list(rows)), _period(this_month))))


async def _own_transaction(request: Request[Any, Any, Any], sandbox: Sandbox, tx_id: str) -> Any:
    user = await current_user(request, sandbox)
    row = await transactions.transaction_by_id(sandbox.db, tx_id)
    if row is None or int(row["user_id"]) != user.id:
        raise not_found("Transaction not found")
    return row


@get("/api/transactions/{id:str}", tags=TAGS, summary="One transaction with exchange rate info")
async def get_transaction(
    request: Request[Any, Any, Any], sandbox: SandboxDep, id: str
) -> Response[Data[DropRemittanceDetail | DropQrPaymentDetail]]:
    row = await _own_transaction(request, sandbox, id)
    return ok(request, Data(render.tx_detail(row)))


@get("/api/transactions/{id:str}/receipt", tags=TAGS, summary="Transaction receipt")
async def get_receipt(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropReceipt]]:
    row = await _own_transaction(request, sandbox, id)
    return ok(request, Data(render.receipt(row)))


@post(
    "/api/transactions/remittance",
    status_code=201,
    tags=TAGS,
    summary="Create a remittance (PISP payment)",
    responses=documented(400, 401, 402, 403, 404, 409, 422, 429),
)
async def create_remittance(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropRemittance]]:
    await enforce(request, sandbox, "money", MONEY_LIMIT)
    user = await current_user(request, sandbox)
    body = await json_object(request)
    recipient_id = body.get("recipientId")
    if not isinstance(recipient_id, str) or not recipient_id.strip():
        raise bad_request("recipientId is required", [field_error("recipientId", "required")])
    if "amount" not in body:
        raise bad_request("amount is required", [field_error("amount", "required")])
    currency = body.get("currency", "NOK")
    if not isinstance(currency, str) or currency.upper() != "NOK":
        raise validation_error([field_error("currency", "Only NOK can be sent")], "Unsupported currency corridor")
    amount = money(body["amount"], "NOK")
    if not corridors.REMITTANCE_MIN <= amount <= corridors.REMITTANCE_MAX:
        raise bad_request(
            "Amount must be between 100 and 50,000 NOK", [field_error("amount", "must be between 100 and 50000")]
        )
    if user.kyc_status != "approved":
        raise forbidden("KYC verification must be approved before sending money", "kyc_required")
    recipient = await recipients.recipient_by_id(sandbox.db, recipient_id.strip())
    if recipient is None or int(recipient["user_id"]) != user.id:
        raise not_found("Recipient not found")
    country = corridors.COUNTRIES.get(recipient["country"])
    if country is None:
        raise validation_error([field_error("recipientId", "Unsupported currency corridor")], "Unsupported corridor")
    account = await payments.paying_account(sandbox, user.id, body.get("bankAccountId"))
    try:
        created = await payments.create_remittance(
            sandbox, banks_of(sandbox), user, recipient, account, amount, client_request_id(request)
        )
    except ValidationFailed as exc:
        if exc.code == "unsupported_currency":
            raise validation_error([field_error("currency", exc.message)], "Unsupported currency corridor") from None
        raise
    return ok(request, Data(created.body), 201, explain_headers(created.explain))  # type: ignore[arg-type]


@post(
    "/api/transactions/qr-payment",
    status_code=201,
    tags=TAGS,
    summary="Pay a merchant by QR (instant)",
    responses=documented(400, 401, 402, 404, 409, 429),
)
async def create_qr_payment(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropQrPayment]]:
    await enforce(request, sandbox, "money", MONEY_LIMIT)
    user = await current_user(request, sandbox)
    body = await json_object(request)
    merchant_id = body.get("merchantId")
    if not isinstance(merchant_id, str) or not merchant_id.strip():
        raise bad_request("merchantId is required", [field_error("merchantId", "required")])
    if "amount" not in body:
        raise bad_request("amount is required", [field_error("amount", "required")])
    amount = money(body["amount"], "NOK")
    if not corridors.QR_MIN <= amount <= corridors.QR_MAX:
        raise bad_request(
            "Amount must be between 1 and 100,000 NOK", [field_error("amount", "must be between 1 and 100000")]
        )
    merchant = merchants.lookup_merchant(sandbox.db, merchant_id.strip())
    if merchant is None:
        raise not_found("Merchant not found")
    if int(merchant["user_id"]) == user.id:
        raise bad_request("You cannot pay your own merchant account")
    account = await payments.paying_account(sandbox, user.id, None)
    created = await payments.create_qr_payment(
        sandbox, banks_of(sandbox), user, merchant, account, amount, client_request_id(request)
    )
    return ok(request, Data(created.body), 201)  # type: ignore[arg-type]


@post("/api/transactions/disclosure", status_code=200, tags=TAGS, summary="Fee and exchange-rate disclosure")
async def disclosure(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropDisclosure]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    kind = body.get("type")
    if kind not in TYPES:
        raise bad_request("type must be remittance or qr_payment", [field_error("type", "invalid value")])
    if "amount" not in body:
        raise bad_request("amount is required", [field_error("amount", "required")])
    currency = body.get("currency", "NOK")
    if not isinstance(currency, str) or currency.upper() != "NOK":
        raise bad_request("currency must be NOK", [field_error("currency", "only NOK")])
    amount = money(body["amount"], "NOK")
    if kind == "qr_payment":
        return ok(request, await disclosures.of_qr_payment(sandbox, amount))
    recipient_id = body.get("recipientId")
    if not isinstance(recipient_id, str) or not recipient_id.strip():
        raise bad_request("recipientId is required for a remittance", [field_error("recipientId", "required")])
    return ok(request, await disclosures.of_remittance(sandbox, user.id, recipient_id.strip(), amount))


ROUTES = [
    list_transactions,
    summary,
    get_transaction,
    get_receipt,
    create_remittance,
    create_qr_payment,
    disclosure,
]
