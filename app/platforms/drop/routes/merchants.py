"""/api/merchants: register (role becomes merchant, QR ``drop://pay/{id}``), dashboard, qr, transactions."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, Response, get, post

from app.core.identity.models import User
from app.core.ledger.accounts import open_account_in
from app.platforms.drop import render
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
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: merchants"]
ORG_NUMBER = re.compile(r"^\d{9}$")
MERCHANT_TX_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "status": Field("status"),
    "amount": Field("amount", "money"),
}
PERIODS = ("today", "week", "month")
PAYOUT_HOUR = 6  # merchant payouts run at 06:00 UTC on business days


def qr_value(merchant_id: str) -> str:
    return f"drop://pay/{merchant_id}"


def _merchant(row: Any) -> DropMerchant:
    return DropMerchant(
        id=row["id"],
        business_name=row["business_name"],
        org_number=row["org_number"],
        address=row["address"],
        bank_account=render.mask_account(row["bank_account"]),
        role="merchant",
        qr_value=qr_value(row["id"]),
        created_at=render.iso(row["created_at"]),
    )


async def _own_merchant(request: Request[Any, Any, Any], sandbox: Sandbox) -> tuple[User, Any]:
    user = await current_user(request, sandbox)
    require_merchant(user)
    row = await sandbox.db.fetchone("SELECT * FROM drop_merchants WHERE user_id = ?", (user.id,))
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
        if conn.execute("SELECT 1 FROM drop_merchants WHERE user_id = ?", (user.id,)).fetchone():
            return "You are already registered as a merchant"
        if conn.execute("SELECT 1 FROM drop_merchants WHERE org_number = ?", (org_number,)).fetchone():
            return "Organisation number already registered"
        account = open_account_in(
            conn, now, "merchant", user.id, "NOK", purpose="ACCOUNT_PURPOSE_SETTLEMENT", label=business_name
        )
        conn.execute(
            "INSERT INTO drop_merchants (id, user_id, business_name, org_number, address, bank_account, "
            "ledger_account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (merchant_id, user.id, business_name, org_number, address, bank_account, account.id, now),
        )
        return None

    problem = await sandbox.db.write(run)
    if problem:
        raise conflict(problem)
    await sandbox.identity.add_role(user.id, "merchant")
    row = await sandbox.db.fetchone("SELECT * FROM drop_merchants WHERE id = ?", (merchant_id,))
    return ok(request, Data(_merchant(row)), 201)


def _period_start(now: datetime, period: str) -> datetime:
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    if period == "week":
        return midnight - timedelta(days=now.weekday())
    if period == "month":
        return midnight.replace(day=1)
    return midnight


def _next_payout(now: datetime) -> datetime:
    candidate = datetime(now.year, now.month, now.day, PAYOUT_HOUR, tzinfo=UTC)
    if candidate <= now:
        candidate += timedelta(days=1)
    while candidate.weekday() >= 5:
        candidate += timedelta(days=1)
    return candidate


@get("/api/merchants/dashboard", tags=TAGS, summary="Merchant dashboard (today, week, month)")
async def dashboard(
    request: Request[Any, Any, Any], sandbox: SandboxDep, period: str | None = None
) -> Response[Data[DropDashboard]]:
    _, merchant = await _own_merchant(request, sandbox)
    chosen = period or "today"
    if chosen not in PERIODS:
        raise bad_request("period must be today, week or month", [field_error("period", "invalid value")])
    now = sandbox.clock.now()
    start = _period_start(now, chosen).timestamp()
    row = await sandbox.db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS revenue, COALESCE(SUM(fee), 0) AS fees "
        "FROM drop_transactions WHERE merchant_id = ? AND status = 'completed' AND created_at >= ?",
        (merchant["id"], start),
    )
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
        payout_time=render.iso(_next_payout(now)),
    )
    return ok(request, Data(data))


@get("/api/merchants/qr", tags=TAGS, summary="Merchant QR code data")
async def merchant_qr(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropMerchantQr]]:
    _, merchant = await _own_merchant(request, sandbox)
    data = DropMerchantQr(merchant["id"], merchant["business_name"], qr_value(merchant["id"]), merchant["address"])
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
        "drop_transactions",
        ("merchant_id", merchant["id"]),
        request.query_params.multi_items(),
        MERCHANT_TX_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    items = [
        DropMerchantTransaction(
            id=r["id"],
            amount=render.amount(r["amount"], r["currency"]),
            fee=render.amount(r["fee"], r["currency"]),
            currency=r["currency"],
            customer_name=r["customer_name"] or "",
            status=r["status"],
            created_at=render.iso(r["created_at"]),
        )
        for r in rows
    ]
    return ok(request, Page(items, pagination))


ROUTES = [register_merchant, dashboard, merchant_qr, merchant_transactions]
