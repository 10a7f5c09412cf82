"""Subscriptions: plans, enrolment (trial, setup fee), details with charges, pause/resume/cancel,
a customer's subscriptions with MRR, and a merchant's subscription metrics computed from the data.
The rules are here; the handlers are in routes/subscriptions.py."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from app.core.clock import iso, parse_iso
from app.core.errors import DomainError
from app.core.identity.models import Principal
from app.core.money import parse_amount
from app.platforms.tribble import billing, merchants, payment_methods, wallets
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import account_id_of_wallet, new_id
from app.platforms.tribble.schemas.subscriptions import (
    PlanIn,
    SubscribeIn,
)
from app.platforms.tribble.store import subscriptions as store
from app.platforms.tribble.store.merchants import merchant_owner
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


async def add_plan(sandbox: Sandbox, caller: Principal, data: PlanIn) -> tuple[str, str, str, int, float]:
    """A new ACTIVE plan of the merchant ``plan_merchant`` finds: (plan id, name, currency, amount, now)."""
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
    return plan_id, name, currency, value, now


async def get_plan(sandbox: Sandbox, plan_id: str) -> Any:
    row = await store.plan_by_id(sandbox.db, plan_id)
    if row is None:
        raise TribbleError("NOT_FOUND", "Subscription plan not found", {"planId": plan_id})
    return row


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


async def enrol(sandbox: Sandbox, caller: Principal, data: SubscribeIn) -> tuple[Any, str, Any, float | None, float]:
    """Enrol the caller in an ACTIVE plan and take the first charges: (plan, subscription id, the
    subscription row after them, trial end, now)."""
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
    return plan, sub_id, sub, trial_end, now


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
