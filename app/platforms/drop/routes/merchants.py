"""/api/merchants: register (role becomes merchant, QR ``drop://pay/{id}``), dashboard, qr, transactions."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from litestar import Request, get, post

from app.core.identity.models import User
from app.lean_response import Response
from app.platforms.drop import merchants, render
from app.platforms.drop.auth import current_user, require_merchant
from app.platforms.drop.errors import bad_request, conflict, field_error, not_found
from app.platforms.drop.filters import Field, fetch_page
from app.platforms.drop.parsing import Fields, json_object, page_params, sanitize
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import (
    Data,
    DropDashboard,
    DropMerchant,
    DropMerchantQr,
    DropMerchantTransaction,
    Page,
)
from app.platforms.drop.store import merchants as store
from app.platforms.drop.store import transactions
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: merchants"]
ORG_NUMBER = re.compile(r"^\d{9}$")
MERCHANT_TX_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "status": Field("status"),
    "amount": Field("amount", "money"),
}


async def _own_merchant(request: Request[Any, Any, Any], sandbox: Sandbox) -> tuple[User, Any]:
    user = await current_user(request, sandbox)
    require_merchant(user)
    row = await store.merchant_of_user(sandbox.db, user.id)
    if row is None:
        raise not_found("Merchant profile not found")
    return user, row


@post("/api/merchants/register", status_code=201, tags=TAGS, summary="Register as a merchant")
async def register_merchant(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropMerchant]]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    fields = Fields(body)
    business_name = fields.name("businessName")
    org_number = fields.string("orgNumber")
    if org_number is not None and not ORG_NUMBER.match(org_number):
        fields.fail("orgNumber", "orgNumber must be exactly 9 digits")
    address_raw = fields.string("address", required=False)
    bank_account = fields.string("bankAccount", max_len=64)
    fields.raise_if_failed()
    assert business_name and org_number and bank_account
    address = sanitize(address_raw, 300) if address_raw else None
    now = sandbox.clock.time()
    merchant_id = render.new_id("mer")

    def run(conn: sqlite3.Connection) -> str | None:
        return merchants.register_in(conn, merchant_id, user.id, business_name, org_number, address, bank_account, now)

    problem = await sandbox.db.write(run)
    if problem:
        raise conflict(problem)
    await sandbox.identity.add_role(user.id, "merchant")
    row = await store.merchant_by_id(sandbox.db, merchant_id)
    return ok(request, Data(render.merchant(row)), 201)


@get("/api/merchants/dashboard", tags=TAGS, summary="Merchant dashboard (today, week, month)")
async def dashboard(
    request: Request[Any, Any, Any], sandbox: SandboxDep, period: str | None = None
) -> Response[Data[DropDashboard]]:
    _, merchant = await _own_merchant(request, sandbox)
    chosen = period or "today"
    if chosen not in merchants.PERIODS:
        raise bad_request("period must be today, week or month", [field_error("period", "invalid value")])
    now = sandbox.clock.now()
    start = merchants.period_start(now, chosen).timestamp()
    row = await transactions.merchant_totals(sandbox.db, merchant["id"], start)
    assert row is not None
    balance = await sandbox.ledger.balance(int(merchant["ledger_account_id"]))
    revenue = int(row["revenue"])
    data = DropDashboard(
        period=chosen,
        currency="NOK",
        revenue=render.amount(revenue, "NOK"),
        transaction_count=int(row["n"]),
        fees=render.amount(int(row["fees"]), "NOK"),
        net_revenue=render.amount(revenue, "NOK"),
        next_payout=render.amount(balance.balance, "NOK"),
        payout_time=render.iso(merchants.next_payout(now)),
    )
    return ok(request, Data(data))


@get("/api/merchants/qr", tags=TAGS, summary="Merchant QR code data")
async def merchant_qr(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropMerchantQr]]:
    _, merchant = await _own_merchant(request, sandbox)
    data = DropMerchantQr(
        merchant["id"], merchant["business_name"], render.qr_value(merchant["id"]), merchant["address"]
    )
    return ok(request, Data(data))


@get("/api/merchants/transactions", tags=TAGS, summary="Merchant's QR payments (customer names anonymised)")
async def merchant_transactions(
    request: Request[Any, Any, Any],
    sandbox: SandboxDep,
    page: str | None = None,
    limit: str | None = None,
    sort: str | None = None,
    dir: str | None = None,
) -> Response[Page[DropMerchantTransaction]]:
    """Filters: ``status``, ``amount``, ``createdAt`` with the template operators."""
    _, merchant = await _own_merchant(request, sandbox)
    number, size = page_params(page, limit, default_limit=20, max_limit=100)
    rows, pagination = await fetch_page(
        sandbox.db,
        transactions.TABLE,
        ("merchant_id", merchant["id"]),
        request.query_params.multi_items(),
        MERCHANT_TX_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    return ok(request, Page([render.merchant_transaction(r) for r in rows], pagination))


ROUTES = [register_merchant, dashboard, merchant_qr, merchant_transactions]
