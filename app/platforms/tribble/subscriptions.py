"""Subscriptions: plans, enrolment (trial, setup fee), details with charges, pause/resume/cancel,
a customer's subscriptions with MRR, and a merchant's subscription metrics computed from the data."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from litestar import get, post, put

from app.core.clock import iso, parse_iso
from app.core.errors import DomainError
from app.core.identity.models import Principal
from app.core.money import parse_amount
from app.platforms.tribble import billing, merchants, payment_methods, wallets
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.fraud import period_of
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import account_id_of_wallet, amount, new_id
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
from app.platforms.tribble.store.merchants import merchant_owner
from app.registry import SandboxDep
from app.runtime import Sandbox

OPEN_STATUSES = ("ACTIVE", "PAUSED", "PAST_DUE")


def _money(value: float, currency: str, field: str, *, positive: bool) -> int:
    try:
        return parse_amount(value, currency, positive=positive)
    except DomainError as exc:
        raise invalid_amount(field, exc) from None


async def plan_merchant(sandbox: Sandbox, caller: Principal, merchant_id: str | None) -> Any:
    """The approved merchant a new plan belongs to: the one named, or the caller's own."""
    if merchant_id:
        merchant = await merchants.get_merchant(sandbox, merchant_id)
        merchants.ensure_merchant_access(caller, merchant)
    else:
        merchant = await store.first_merchant_of_owner(sandbox.db, caller.user.id)
        if merchant is None:
            raise TribbleError("FORBIDDEN", "Only merchants can create subscription plans")
    if merchant["kyc_status"] != "APPROVED":
        raise TribbleError("MERCHANT_INACTIVE", "Merchant account is not active", {"merchantId": merchant["id"]})
    return merchant


def plan_terms(data: PlanIn) -> tuple[str, str, int, int, int]:
    """(name, currency, amount, setup fee, trial amount) of a valid plan request."""
    name = data.plan_name.strip()
    if not name or len(name) > 200:
        raise invalid("planName", "planName must be 1-200 characters")
    currency = wallets.normalize(data.currency)
    if data.billing_frequency not in billing.FREQUENCIES:
        raise invalid("billingFrequency", f"billingFrequency must be one of: {', '.join(billing.FREQUENCIES)}")
    if not 1 <= data.billing_interval <= 12:
        raise invalid("billingInterval", "billingInterval must be 1-12")
    if not 0 <= data.trial_period_days <= 365:
        raise invalid("trialPeriodDays", "trialPeriodDays must be 0-365")
    if data.max_charges is not None and data.max_charges < 1:
        raise invalid("maxCharges", "maxCharges must be at least 1 (or null for unlimited)")
    value = _money(data.amount, currency, "amount", positive=True)
    setup = _money(data.setup_fee, currency, "setupFee", positive=False) if data.setup_fee else 0
    trial = _money(data.trial_amount, currency, "trialAmount", positive=False) if data.trial_amount else 0
    if setup < 0 or trial < 0:
        raise invalid("setupFee" if setup < 0 else "trialAmount", "must not be negative")
    return name, currency, value, setup, trial


@post("/subscription-plans", status_code=201, summary="Create a subscription plan", tags=["tribble: subscriptions"])
async def create_plan(caller: Principal, sandbox: SandboxDep, data: PlanIn) -> PlanCreatedOut:
    merchant = await plan_merchant(sandbox, caller, data.merchant_id)
    name, currency, value, setup, trial = plan_terms(data)
    plan_id = new_id("plan")
    now = sandbox.clock.time()
    await store.insert_plan(
        sandbox.db,
        (
            plan_id,
            merchant["id"],
            name,
            data.plan_description,
            value,
            currency,
            data.billing_frequency,
            data.billing_interval,
            data.trial_period_days,
            trial,
            setup,
            data.max_charges,
            now,
        ),
    )
    return PlanCreatedOut(
        plan_id=plan_id,
        plan_name=name,
        amount=amount(value, currency),
        billing_frequency=data.billing_frequency,
        status="ACTIVE",
        created_at=iso(now),
    )


async def get_plan(sandbox: Sandbox, plan_id: str) -> Any:
    row = await store.plan_by_id(sandbox.db, plan_id)
    if row is None:
        raise TribbleError("NOT_FOUND", "Subscription plan not found", {"planId": plan_id})
    return row


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


async def check_payment_method(sandbox: Sandbox, caller: Principal, plan: Any, method: str | None) -> None:
    """A subscription is paid from the wallet (the default, or one of the plan's currency) or a usable card."""
    if method and method != "wallet":
        if account_id_of_wallet(method) is not None:
            wallet = await wallets.owned_wallet(sandbox, caller, method, "paymentMethodId")
            if wallet.currency != plan["currency"]:
                raise invalid("paymentMethodId", "Wallet currency differs from the plan currency")
        else:
            row = await payment_methods.owned_method(sandbox, caller.user.id, method)
            if row["type"] != "card":
                raise TribbleError("UNPROCESSABLE_ENTITY", "Subscriptions are paid from the wallet or a card")
            payment_methods.ensure_usable(sandbox, row)


def start_of(start_date: str | None, now: float) -> float:
    """When the subscription starts: now, or midnight UTC of a later ``startDate``."""
    start = now
    if start_date:
        try:
            start_day = date.fromisoformat(start_date)
        except ValueError:
            raise invalid("startDate", "startDate must be a date (YYYY-MM-DD)") from None
        if start_day.isoformat() < iso(now)[:10]:
            raise invalid("startDate", "startDate must not be in the past")
        if start_day.isoformat() > iso(now)[:10]:
            start = parse_iso(start_day.isoformat())
    return start


def enrol_in(conn: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    """Insert the subscription unless the customer has an open one of the plan. ``row`` as
    ``store.insert_subscription_in`` takes it."""
    existing = store.open_subscription_in(conn, row[1], row[3])
    if existing is not None:
        raise TribbleError("SUBSCRIPTION_ACTIVE", "Subscription already active", {"subscriptionId": existing[0]})
    store.insert_subscription_in(conn, row)


async def first_charges(sandbox: Sandbox, plan: Any, sub_id: str, trial_end: float | None, now: float) -> None:
    """The setup fee (and trial amount) now; the first renewal now or on the sandbox clock."""
    sub = await store.subscription_by_id(sandbox.db, sub_id)
    setup = int(plan["setup_fee"]) + (int(plan["trial_amount"]) if trial_end is not None else 0)
    if setup > 0:
        charge_id = new_id("charge")
        if not await billing.charge(sandbox, sub, plan, charge_id, setup, "setup", now):
            await store.cancel_for_setup_fee(sandbox.db, sub_id, now)
            raise TribbleError("INSUFFICIENT_FUNDS", "The setup fee could not be charged", {"subscriptionId": sub_id})
    first_charge = float(sub["next_charge_at"])
    if first_charge <= now:
        await billing.renew(sandbox, sub_id, first_charge)
    else:
        await billing.schedule_renewal(sandbox, sub_id, first_charge)


@post("/subscriptions", status_code=201, summary="Enrol in a subscription plan", tags=["tribble: subscriptions"])
async def subscribe(caller: Principal, sandbox: SandboxDep, data: SubscribeIn) -> SubscribedOut:
    plan = await get_plan(sandbox, data.plan_id)
    if plan["status"] != "ACTIVE":
        raise TribbleError("UNPROCESSABLE_ENTITY", "Subscription plan is not active", {"planId": plan["id"]})
    user = caller.user
    method = data.payment_method_id
    await check_payment_method(sandbox, caller, plan, method)
    now = sandbox.clock.time()
    start = start_of(data.start_date, now)
    trial_days = int(plan["trial_period_days"])
    trial_end = start + trial_days * 86400 if trial_days else None
    first_charge = trial_end if trial_end is not None else start
    sub_id = new_id("sub")
    row = (sub_id, plan["id"], plan["merchant_id"], user.id, method or "wallet", start, trial_end, first_charge, now)
    await sandbox.db.write(lambda conn: enrol_in(conn, row))
    await first_charges(sandbox, plan, sub_id, trial_end, now)
    sub = await store.subscription_by_id(sandbox.db, sub_id)
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


async def visible_subscription(sandbox: Sandbox, caller: Principal, sub_id: str, *, manage: bool = False) -> Any:
    sub = await store.subscription_by_id(sandbox.db, sub_id)
    if sub is None:
        raise TribbleError("NOT_FOUND", "Subscription not found", {"subscriptionId": sub_id})
    if caller.user.is_admin or int(sub["customer_user_id"]) == caller.user.id:
        return sub
    merchant = await merchant_owner(sandbox.db, sub["merchant_id"])
    if merchant is not None and int(merchant["owner_user_id"]) == caller.user.id:
        return sub
    raise TribbleError("NOT_FOUND", "Subscription not found", {"subscriptionId": sub_id})


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
