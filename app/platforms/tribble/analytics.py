"""Merchant dashboard (period metrics, settlements, top products) and transaction analytics.

Amounts are in the merchant's main currency (the currency of most of its payments); payments
in other currencies are counted but their volume is left out of the money totals.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from litestar import get
from litestar.params import QueryParameter

from app.core.identity.models import Principal
from app.core.money import apply_rate
from app.platforms.tribble import merchants, settlements
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
    PeriodMetric,
    TopCustomer,
    TopProduct,
)
from app.platforms.tribble.store import analytics as store
from app.platforms.tribble.store.settlements import settled_total
from app.registry import SandboxDep
from app.runtime import Sandbox


def average(total: int, count: int) -> int:
    """Mean in minor units with the one rounding rule (half-even)."""
    return apply_rate(total, Decimal(1) / Decimal(count))


PRODUCT_KEYS = ("product", "productName", "product_name", "item", "itemName")


def _month_to_date(sandbox: Sandbox, listing: ListQuery) -> ListQuery:
    if listing.start is not None:
        return listing
    d = datetime.fromtimestamp(sandbox.clock.time(), UTC)
    start = datetime(d.year, d.month, 1, tzinfo=UTC).timestamp()
    return ListQuery(listing.limit, listing.offset, listing.status, start, listing.end, None, "desc", None)


async def _payments(sandbox: Sandbox, merchant_id: str, start: float, end: float) -> list[Any]:
    return await store.payments_of_merchant(sandbox.db, merchant_id, start, end)


def _main_currency(rows: list[Any]) -> str:
    counts = Counter(r["currency"] for r in rows)
    return counts.most_common(1)[0][0] if counts else "NGN"


def _products(rows: list[Any]) -> list[TopProduct]:
    totals: dict[str, list[int]] = {}
    currency = _main_currency(rows)
    for row in rows:
        if row["status"] != "SUCCESS" or row["currency"] != currency:
            continue
        meta = json.loads(row["metadata"] or "{}")
        name = next((str(meta[k]) for k in PRODUCT_KEYS if isinstance(meta.get(k), str | int)), None)
        if name is None and isinstance(meta.get("items"), list):
            names = [str(i.get("name")) for i in meta["items"] if isinstance(i, dict) and i.get("name")]
            name = names[0] if names else None
        name = name or row["description"] or None
        if name:
            entry = totals.setdefault(name, [0, 0])
            entry[0] += 1
            entry[1] += int(row["amount"])
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    return [TopProduct(name=n, transaction_count=c, total_amount=amount(a, currency)) for n, (c, a) in ranked]


@get("/merchants/{merchantId:str}/dashboard", summary="Merchant dashboard", tags=["tribble: merchants"])
async def dashboard(caller: Principal, sandbox: SandboxDep, merchantId: str, listing: ListQuery) -> DashboardOut:
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    start, end, period = period_of(sandbox, _month_to_date(sandbox, listing))
    rows = await _payments(sandbox, merchantId, start, end)
    currency = _main_currency(rows)
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
        top_products=_products(rows),
    )


def _bucket(ts: float, group_by: str) -> str:
    d = datetime.fromtimestamp(ts, UTC).date()
    if group_by == "weekly":
        d = d - timedelta(days=d.weekday())
    elif group_by == "monthly":
        d = d.replace(day=1)
    return d.isoformat()


def _series(rows: list[Any], group_by: str, currency: str) -> list[PeriodMetric]:
    """The payments per day, week or month (volume in ``currency``)."""
    buckets: dict[str, list[Any]] = {}
    for row in rows:
        buckets.setdefault(_bucket(row["created_at"], group_by), []).append(row)
    series = []
    for day in sorted(buckets):
        items = buckets[day]
        good = [r for r in items if r["status"] == "SUCCESS" and r["currency"] == currency]
        total = sum(int(r["amount"]) for r in good)
        series.append(
            PeriodMetric(
                date=day,
                transaction_count=len(items),
                total_volume=amount(total, currency),
                average_amount=amount(average(total, len(good)), currency) if good else 0.0,
                success_rate=round(100.0 * sum(1 for r in items if r["status"] == "SUCCESS") / len(items), 2),
            )
        )
    return series


async def _top_customers(sandbox: Sandbox, ok: list[Any], currency: str) -> list[TopCustomer]:
    """The ten customers who spent most (in ``currency``) in the successful payments ``ok``."""
    spend: dict[int, list[int]] = {}
    for row in ok:
        entry = spend.setdefault(int(row["customer_user_id"]), [0, 0])
        entry[0] += 1
        entry[1] += int(row["amount"]) if row["currency"] == currency else 0
    top = sorted(spend.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    customers = []
    for user_id, (count, total) in top:
        user = await sandbox.identity.get_user(user_id)
        customers.append(
            TopCustomer(
                customer_id=user.uuid if user else str(user_id),
                transaction_count=count,
                total_spent=amount(total, currency),
            )
        )
    return customers


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
    rows = await _payments(sandbox, merchantId, start, end)
    currency = _main_currency(rows)
    ok = [r for r in rows if r["status"] == "SUCCESS"]
    volume = sum(int(r["amount"]) for r in ok if r["currency"] == currency)
    series = _series(rows, group_by, currency)
    customers = await _top_customers(sandbox, ok, currency)
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
