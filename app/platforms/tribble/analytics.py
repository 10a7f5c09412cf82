"""Merchant dashboard (period metrics, settlements, top products) and transaction analytics.

Amounts are in the merchant's main currency (the currency of most of its payments); payments
in other currencies are counted but their volume is left out of the money totals. The handlers are
in routes/analytics.py.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.core.money import apply_rate
from app.platforms.tribble.pagination import ListQuery
from app.platforms.tribble.render import amount
from app.platforms.tribble.schemas.merchants import (
    PeriodMetric,
    TopCustomer,
    TopProduct,
)
from app.platforms.tribble.store import analytics as store
from app.runtime import Sandbox


def average(total: int, count: int) -> int:
    """Mean in minor units with the one rounding rule (half-even)."""
    return apply_rate(total, Decimal(1) / Decimal(count))


PRODUCT_KEYS = ("product", "productName", "product_name", "item", "itemName")


def month_to_date(sandbox: Sandbox, listing: ListQuery) -> ListQuery:
    if listing.start is not None:
        return listing
    d = datetime.fromtimestamp(sandbox.clock.time(), UTC)
    start = datetime(d.year, d.month, 1, tzinfo=UTC).timestamp()
    return ListQuery(listing.limit, listing.offset, listing.status, start, listing.end, None, "desc", None)


async def payments_of(sandbox: Sandbox, merchant_id: str, start: float, end: float) -> list[Any]:
    return await store.payments_of_merchant(sandbox.db, merchant_id, start, end)


def main_currency(rows: list[Any]) -> str:
    counts = Counter(r["currency"] for r in rows)
    return counts.most_common(1)[0][0] if counts else "NGN"


def products_of(rows: list[Any]) -> list[TopProduct]:
    totals: dict[str, list[int]] = {}
    currency = main_currency(rows)
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


def bucket_of(ts: float, group_by: str) -> str:
    d = datetime.fromtimestamp(ts, UTC).date()
    if group_by == "weekly":
        d = d - timedelta(days=d.weekday())
    elif group_by == "monthly":
        d = d.replace(day=1)
    return d.isoformat()


def series_of(rows: list[Any], group_by: str, currency: str) -> list[PeriodMetric]:
    """The payments per day, week or month (volume in ``currency``)."""
    buckets: dict[str, list[Any]] = {}
    for row in rows:
        buckets.setdefault(bucket_of(row["created_at"], group_by), []).append(row)
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


async def top_customers(sandbox: Sandbox, ok: list[Any], currency: str) -> list[TopCustomer]:
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
