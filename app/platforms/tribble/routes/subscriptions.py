"""Subscription routes: plans, enrolment, details, pause/resume/cancel, lists and metrics."""

from __future__ import annotations

from litestar import get, post, put

from app.core.clock import iso
from app.core.identity.models import Principal
from app.platforms.tribble import billing, merchants
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.fraud import period_of
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import amount
from app.platforms.tribble.schemas.subscriptions import (
    CancelledOut,
    ChargeItem,
    CustomerSubscription,
    CustomerSubscriptionsOut,
    CustomerSubscriptionSummary,
    PausedOut,
    PlanCreatedOut,
    PlanIn,
    PlanOut,
    ReasonIn,
    ResumedOut,
    SubscribedOut,
    SubscribeIn,
    SubscriptionMetrics,
    SubscriptionMetricsOut,
    SubscriptionOut,
)
from app.platforms.tribble.store import subscriptions as store
from app.platforms.tribble.subscriptions import (
    OPEN_STATUSES,
    add_plan,
    enrol,
    get_plan,
    visible_subscription,
)
from app.registry import SandboxDep


@post("/subscription-plans", status_code=201, summary="Create a subscription plan", tags=["tribble: subscriptions"])
async def create_plan(caller: Principal, sandbox: SandboxDep, data: PlanIn) -> PlanCreatedOut:
    plan_id, name, currency, value, now = await add_plan(sandbox, caller, data)
    return PlanCreatedOut(
        plan_id=plan_id,
        plan_name=name,
        amount=amount(value, currency),
        billing_frequency=data.billing_frequency,
        status="ACTIVE",
        created_at=iso(now),
    )


@get("/subscription-plans/{planId:str}", summary="Subscription plan details", tags=["tribble: subscriptions"])
async def get_plan_route(caller: Principal, sandbox: SandboxDep, planId: str) -> PlanOut:
    p = await get_plan(sandbox, planId)
    cur = p["currency"]
    return PlanOut(
        plan_id=p["id"],
        merchant_id=p["merchant_id"],
        plan_name=p["name"],
        plan_description=p["description"],
        amount=amount(int(p["amount"]), cur),
        currency=cur,
        billing_frequency=p["billing_frequency"],
        billing_interval=int(p["billing_interval"]),
        trial_period_days=int(p["trial_period_days"]),
        trial_amount=amount(int(p["trial_amount"]), cur),
        setup_fee=amount(int(p["setup_fee"]), cur),
        max_charges=p["max_charges"],
        plan_type=p["plan_type"],
        status=p["status"],
        is_active=p["status"] == "ACTIVE",
        created_at=iso(p["created_at"]),
    )


@post("/subscriptions", status_code=201, summary="Enrol in a subscription plan", tags=["tribble: subscriptions"])
async def subscribe(caller: Principal, sandbox: SandboxDep, data: SubscribeIn) -> SubscribedOut:
    plan, sub_id, sub, trial_end, now = await enrol(sandbox, caller, data)
    trial_days = int(plan["trial_period_days"])
    message = "Subscription activated successfully."
    if trial_days:
        message += f" Trial period: {trial_days} days"
    return SubscribedOut(
        subscription_id=sub_id,
        plan_id=plan["id"],
        status=sub["status"],
        auto_renew=bool(sub["auto_renew"]),
        next_charge_date=billing.date_of(sub["next_charge_at"]),
        trial_end_date=billing.date_of(trial_end),
        charge_count=int(sub["charge_count"]),
        created_at=iso(now),
        message=message,
    )


@get("/subscriptions/{subscriptionId:str}", summary="Subscription details", tags=["tribble: subscriptions"])
async def get_subscription(caller: Principal, sandbox: SandboxDep, subscriptionId: str) -> SubscriptionOut:
    sub = await visible_subscription(sandbox, caller, subscriptionId)
    plan = await get_plan(sandbox, sub["plan_id"])
    customer = await sandbox.identity.get_user(int(sub["customer_user_id"]))
    charges = await store.charges_of_subscription(sandbox.db, sub["id"])
    cur = plan["currency"]
    return SubscriptionOut(
        subscription_id=sub["id"],
        customer_id=customer.uuid if customer else "",
        merchant_id=sub["merchant_id"],
        plan_id=plan["id"],
        plan_name=plan["name"],
        status=sub["status"],
        auto_renew=bool(sub["auto_renew"]),
        next_charge_date=billing.date_of(sub["next_charge_at"]),
        trial_end_date=billing.date_of(sub["trial_end_at"]),
        charge_count=int(sub["charge_count"]),
        max_charges=plan["max_charges"],
        last_charge_date=billing.date_of(sub["last_charge_at"]),
        last_charge_amount=amount(int(sub["last_charge_amount"]), cur)
        if sub["last_charge_amount"] is not None
        else None,
        created_at=iso(sub["created_at"]),
        charges=[
            ChargeItem(
                charge_id=c["id"],
                amount=amount(int(c["amount"]), cur),
                status=c["status"],
                scheduled_date=billing.date_of(c["scheduled_at"]) or "",
                actual_charge_date=billing.date_of(c["charged_at"]),
                attempt_count=int(c["attempt_count"]),
            )
            for c in charges
        ],
    )


@put("/subscriptions/{subscriptionId:str}/pause", summary="Pause a subscription", tags=["tribble: subscriptions"])
async def pause(caller: Principal, sandbox: SandboxDep, subscriptionId: str, data: ReasonIn | None = None) -> PausedOut:
    sub = await visible_subscription(sandbox, caller, subscriptionId)
    if sub["status"] != "ACTIVE":
        raise TribbleError("UNPROCESSABLE_ENTITY", f"Subscription is {sub['status']}; only ACTIVE can be paused")
    now = sandbox.clock.time()
    await sandbox.scheduler.cancel(f"tribble:sub:{sub['id']}")
    await store.pause(sandbox.db, sub["id"], now)
    return PausedOut(
        subscription_id=sub["id"], status="PAUSED", paused_at=iso(now), message="Subscription paused successfully"
    )


@put(
    "/subscriptions/{subscriptionId:str}/resume",
    summary="Resume a paused subscription",
    tags=["tribble: subscriptions"],
)
async def resume(caller: Principal, sandbox: SandboxDep, subscriptionId: str) -> ResumedOut:
    sub = await visible_subscription(sandbox, caller, subscriptionId)
    if sub["status"] != "PAUSED":
        raise TribbleError("UNPROCESSABLE_ENTITY", f"Subscription is {sub['status']}; only PAUSED can be resumed")
    now = sandbox.clock.time()
    nxt = max(float(sub["next_charge_at"] or now), now)
    await store.resume(sandbox.db, sub["id"], now, nxt)
    await billing.schedule_renewal(sandbox, sub["id"], nxt)
    return ResumedOut(
        subscription_id=sub["id"],
        status="ACTIVE",
        next_charge_date=billing.date_of(nxt),
        resumed_at=iso(now),
        message="Subscription resumed successfully",
    )


@put("/subscriptions/{subscriptionId:str}/cancel", summary="Cancel a subscription", tags=["tribble: subscriptions"])
async def cancel(
    caller: Principal, sandbox: SandboxDep, subscriptionId: str, data: ReasonIn | None = None
) -> CancelledOut:
    sub = await visible_subscription(sandbox, caller, subscriptionId)
    if sub["status"] not in OPEN_STATUSES:
        raise TribbleError("UNPROCESSABLE_ENTITY", f"Subscription is already {sub['status']}")
    reason = (data.reason if data else "").strip()[:500]
    now = sandbox.clock.time()
    await sandbox.scheduler.cancel(f"tribble:sub:{sub['id']}")
    await store.cancel(sandbox.db, sub["id"], now, reason)
    return CancelledOut(
        subscription_id=sub["id"],
        status="CANCELLED",
        cancelled_at=iso(now),
        cancelled_reason=reason,
        message="Subscription cancelled successfully",
    )


@get("/customers/{customerId:str}/subscriptions", summary="A customer's subscriptions", tags=["tribble: subscriptions"])
async def customer_subscriptions(
    caller: Principal, sandbox: SandboxDep, customerId: str, listing: ListQuery
) -> CustomerSubscriptionsOut:
    customer = await sandbox.identity.by_uuid(customerId)
    if customer is None or (customer.id != caller.user.id and not caller.user.is_admin):
        raise TribbleError("NOT_FOUND", "Customer not found", {"customerId": customerId})
    rows = await store.subscriptions_of_customer(sandbox.db, customer.id)
    page, total = apply(
        rows,
        listing,
        status=lambda r: r["status"],
        created=lambda r: r["created_at"],
        text=lambda r: (r["id"], r["plan_name"]),
        sort_keys={
            "createdAt": lambda r: r["created_at"],
            "amount": lambda r: r["amount"],
            "nextChargeDate": lambda r: r["next_charge_at"],
        },
    )
    active = [r for r in rows if r["status"] == "ACTIVE"]
    currency = rows[0]["currency"] if rows else "NGN"
    return CustomerSubscriptionsOut(
        subscriptions=[
            CustomerSubscription(
                subscription_id=r["id"],
                plan_name=r["plan_name"],
                status=r["status"],
                next_charge_date=billing.date_of(r["next_charge_at"]),
                amount=amount(int(r["amount"]), r["currency"]),
            )
            for r in page
        ],
        summary=CustomerSubscriptionSummary(
            active_count=len(active),
            paused_count=sum(1 for r in rows if r["status"] == "PAUSED"),
            cancelled_count=sum(1 for r in rows if r["status"] == "CANCELLED"),
            total_mrr=amount(sum(billing.mrr_of(r) for r in active), currency),
        ),
        pagination=listing.page(total),
    )


@get(
    "/merchants/{merchantId:str}/subscription-metrics",
    summary="Merchant subscription metrics",
    tags=["tribble: subscriptions"],
)
async def subscription_metrics(
    caller: Principal, sandbox: SandboxDep, merchantId: str, listing: ListQuery
) -> SubscriptionMetricsOut:
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    start, end, period = period_of(sandbox, listing)
    subs = await store.subscriptions_of_merchant(sandbox.db, merchantId)
    charges = await store.renewal_charges_of_merchant(sandbox.db, merchantId, start, end)
    active = [s for s in subs if s["status"] == "ACTIVE"]
    currency = subs[0]["currency"] if subs else "NGN"
    mrr = sum(billing.mrr_of(s) for s in active)
    cancelled = [s for s in subs if s["cancelled_at"] is not None and start <= s["cancelled_at"] < end]
    trials = [s for s in subs if s["trial_end_at"] is not None and start <= s["trial_end_at"] < end]
    converted = [s for s in trials if int(s["charge_count"]) > 0]
    failed = [c for c in charges if int(c["attempt_count"]) > 1 or c["status"] == "FAILED"]
    recovered = [c for c in charges if c["recovered"]]
    base = len(active) + len(cancelled)
    return SubscriptionMetricsOut(
        merchant_id=merchantId,
        period=period,
        metrics=SubscriptionMetrics(
            mrr=amount(mrr, currency),
            arr=amount(mrr * 12, currency),
            active_subscriptions=len(active),
            new_subscriptions=sum(1 for s in subs if start <= s["created_at"] < end),
            cancelled_subscriptions=len(cancelled),
            paused_subscriptions=sum(1 for s in subs if s["status"] == "PAUSED"),
            churn_rate=round(100.0 * len(cancelled) / base, 2) if base else 0.0,
            trial_conversions=len(converted),
            trial_conversion_rate=round(100.0 * len(converted) / len(trials), 2) if trials else 0.0,
            failed_charges=len(failed),
            recovered_charges=len(recovered),
            recovery_rate=round(100.0 * len(recovered) / len(failed), 2) if failed else 0.0,
            expansion_mrr=0.0,
            contraction_mrr=0.0,
        ),
    )


ROUTES = [
    create_plan,
    get_plan_route,
    subscribe,
    get_subscription,
    pause,
    resume,
    cancel,
    customer_subscriptions,
    subscription_metrics,
]
