"""Tribble subscription bodies (camelCase msgspec Structs)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.core.numbers import INT64_MAX
from app.platforms.tribble.schemas import Amount, Base, Pagination, Period


# -- subscriptions -----------------------------------------------------------------------------------
class PlanIn(Base):
    plan_name: str
    amount: Amount
    currency: str
    billing_frequency: str
    plan_description: str = ""
    billing_interval: int = 1
    trial_period_days: int = 0
    trial_amount: Amount = 0
    setup_fee: Amount = 0
    max_charges: Annotated[int, msgspec.Meta(le=INT64_MAX)] | None = None  # beyond it SQLite overflows
    merchant_id: str | None = None


class PlanCreatedOut(Base):
    plan_id: str
    plan_name: str
    amount: Amount
    billing_frequency: str
    status: str
    created_at: str


class PlanOut(Base):
    plan_id: str
    merchant_id: str
    plan_name: str
    plan_description: str
    amount: Amount
    currency: str
    billing_frequency: str
    billing_interval: int
    trial_period_days: int
    trial_amount: Amount
    setup_fee: Amount
    max_charges: int | None
    plan_type: str
    status: str
    is_active: bool
    created_at: str


class SubscribeIn(Base):
    plan_id: str
    payment_method_id: str | None = None
    start_date: str | None = None


class SubscribedOut(Base):
    subscription_id: str
    plan_id: str
    status: str
    auto_renew: bool
    next_charge_date: str | None
    trial_end_date: str | None
    charge_count: int
    created_at: str
    message: str


class ChargeItem(Base):
    charge_id: str
    amount: Amount
    status: str
    scheduled_date: str
    actual_charge_date: str | None
    attempt_count: int


class SubscriptionOut(Base):
    subscription_id: str
    customer_id: str
    merchant_id: str
    plan_id: str
    plan_name: str
    status: str
    auto_renew: bool
    next_charge_date: str | None
    trial_end_date: str | None
    charge_count: int
    max_charges: int | None
    last_charge_date: str | None
    last_charge_amount: Amount | None
    created_at: str
    charges: list[ChargeItem]


class ReasonIn(Base):
    reason: str = ""


class PausedOut(Base):
    subscription_id: str
    status: str
    paused_at: str
    message: str


class ResumedOut(Base):
    subscription_id: str
    status: str
    next_charge_date: str | None
    resumed_at: str
    message: str


class CancelledOut(Base):
    subscription_id: str
    status: str
    cancelled_at: str
    cancelled_reason: str
    message: str


class CustomerSubscription(Base):
    subscription_id: str
    plan_name: str
    status: str
    next_charge_date: str | None
    amount: Amount


class CustomerSubscriptionSummary(Base):
    active_count: int
    paused_count: int
    cancelled_count: int
    total_mrr: Amount = msgspec.field(name="totalMRR")


class CustomerSubscriptionsOut(Base):
    subscriptions: list[CustomerSubscription]
    summary: CustomerSubscriptionSummary
    pagination: Pagination


class SubscriptionMetrics(Base):
    mrr: Amount
    arr: Amount
    active_subscriptions: int
    new_subscriptions: int
    cancelled_subscriptions: int
    paused_subscriptions: int
    churn_rate: float
    trial_conversions: int
    trial_conversion_rate: float
    failed_charges: int
    recovered_charges: int
    recovery_rate: float
    expansion_mrr: Amount
    contraction_mrr: Amount


class SubscriptionMetricsOut(Base):
    merchant_id: str
    period: Period
    metrics: SubscriptionMetrics
