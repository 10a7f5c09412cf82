"""Merchant dashboard and transaction analytics routes (the computations are in analytics.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from app.core.identity.models import Principal
from app.platforms.tribble import merchants, settlements
from app.platforms.tribble.analytics import (
    average,
    main_currency,
    month_to_date,
    payments_of,
    products_of,
    series_of,
    top_customers,
)
from app.platforms.tribble.errors import invalid
from app.platforms.tribble.fraud import period_of
from app.platforms.tribble.pagination import ListQuery
from app.platforms.tribble.render import amount
from app.platforms.tribble.schemas.merchants import (
    AnalyticsOut,
    AnalyticsSummary,
    DashboardMetrics,
    DashboardOut,
    DashboardSettlements,
)
from app.platforms.tribble.store import analytics as store
from app.platforms.tribble.store.settlements import settled_total
from app.registry import SandboxDep


@get("/merchants/{merchantId:str}/dashboard", summary="Merchant dashboard", tags=["tribble: merchants"])
async def dashboard(caller: Principal, sandbox: SandboxDep, merchantId: str, listing: ListQuery) -> DashboardOut:
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    start, end, period = period_of(sandbox, month_to_date(sandbox, listing))
    rows = await payments_of(sandbox, merchantId, start, end)
    currency = main_currency(rows)
    ok = [r for r in rows if r["status"] == "SUCCESS"]
    volume = sum(int(r["amount"]) for r in ok if r["currency"] == currency)
    disputes = await store.dispute_resolutions(sandbox.db, merchantId, start, end)
    chargebacks = sum(1 for d in disputes if d["resolution"] == "APPROVED")
    refunds = await store.completed_refunds(sandbox.db, merchantId, start, end)
    settled = await settled_total(sandbox.db, merchantId, currency)
    account = await merchants.merchant_account(sandbox, merchant, currency)
    next_amount, fee = await settlements.eligible(sandbox, merchant, currency)
    frequency = str(settlements.settings_of(merchant)["frequency"])
    next_date = datetime.fromtimestamp(settlements.next_settlement(sandbox.clock.time(), frequency), UTC)
    return DashboardOut(
        merchant_id=merchantId,
        period=period,
        metrics=DashboardMetrics(
            total_transactions=len(rows),
            successful_transactions=len(ok),
            failed_transactions=sum(1 for r in rows if r["status"] == "FAILED"),
            total_volume=amount(volume, currency),
            average_transaction_amount=amount(average(volume, len(ok)), currency) if ok else 0.0,
            chargeback_count=chargebacks,
            chargeback_rate=round(100.0 * chargebacks / len(ok), 2) if ok else 0.0,
            dispute_count=len(disputes),
            refund_count=len(refunds),
            refund_amount=amount(sum(int(r["amount"]) for r in refunds if r["currency"] == currency), currency),
        ),
        settlements=DashboardSettlements(
            total_settled=amount(int(settled["total"]) if settled else 0, currency),
            next_settlement_date=next_date.date().isoformat(),
            next_settlement_amount=amount(next_amount - fee, currency),
            pending_amount=amount(account.balance, currency),
        ),
        top_products=products_of(rows),
    )


@get("/merchants/{merchantId:str}/analytics", summary="Merchant transaction analytics", tags=["tribble: merchants"])
async def analytics(
    caller: Principal,
    sandbox: SandboxDep,
    merchantId: str,
    listing: ListQuery,
    group_by: Annotated[str, QueryParameter(name="groupBy", description="daily, weekly or monthly")] = "daily",
) -> AnalyticsOut:
    if group_by not in ("daily", "weekly", "monthly"):
        raise invalid("groupBy", "groupBy must be daily, weekly or monthly")
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    start, end, period = period_of(sandbox, listing)
    rows = await payments_of(sandbox, merchantId, start, end)
    currency = main_currency(rows)
    ok = [r for r in rows if r["status"] == "SUCCESS"]
    volume = sum(int(r["amount"]) for r in ok if r["currency"] == currency)
    series = series_of(rows, group_by, currency)
    customers = await top_customers(sandbox, ok, currency)
    return AnalyticsOut(
        merchant_id=merchantId,
        period=period,
        group_by=group_by,
        summary=AnalyticsSummary(
            total_transactions=len(rows),
            successful_transactions=len(ok),
            failed_transactions=sum(1 for r in rows if r["status"] == "FAILED"),
            total_volume=amount(volume, currency),
            average_transaction_amount=amount(average(volume, len(ok)), currency) if ok else 0.0,
            success_rate=round(100.0 * len(ok) / len(rows), 2) if rows else 0.0,
        ),
        daily_metrics=series,
        top_customers=customers,
    )


ROUTES = [dashboard, analytics]
