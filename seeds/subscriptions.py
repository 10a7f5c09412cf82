"""Tribble subscription plans and subscribers, with the charges of the seeded history.

Plans belong to approved merchants (the demo merchant has three). Subscribers pay from their
wallet: each charge due inside the history is posted like Tribble's billing does (wallet ->
merchant account, a ``tribble_subscription_charges`` row); an ACTIVE subscription leaves its next
renewal as a scheduler job (``tribble.subscription_renewal``) at ``next_charge_at``, exactly what
Tribble's billing would have scheduled, so a served copy keeps renewing on the sandbox clock.
"""

from __future__ import annotations

import heapq
import sqlite3
from dataclasses import dataclass, field

from app.core.ledger.models import Journal, Leg
from app.core.scheduler import schedule_in
from app.platforms.tribble.billing import RENEWAL_JOB, add_period
from seeds import cashier
from seeds.cashier import CashierWorld
from seeds.context import Seeder
from seeds.tribble import Merchant, TribbleWorld, merchant_account, tid
from seeds.world import SeedUser, World


@dataclass(frozen=True, slots=True)
class PlanSpec:
    name: str
    description: str
    major: int  # price in major units of the currency
    currency: str
    frequency: str
    trial_days: int = 0


DEMO_PLANS = (
    PlanSpec("Basic", "Basic plan: 10 orders a month", 10, "USD", "monthly"),
    PlanSpec("Premium", "Premium subscription plan with unlimited access", 30, "USD", "monthly", trial_days=7),
    PlanSpec("Annual", "Premium, billed yearly", 300, "USD", "yearly"),
)
OTHER_PLANS = (
    PlanSpec("Data bundle", "Monthly data bundle", 5_000, "NGN", "monthly"),
    PlanSpec("Streaming", "Streaming, billed monthly", 8, "USD", "monthly", trial_days=14),
    PlanSpec("Quarterly box", "A box every quarter", 45, "USD", "quarterly"),
)


@dataclass(slots=True)
class Plan:
    id: str
    merchant: Merchant
    spec: PlanSpec
    amount: int  # minor units


@dataclass(slots=True)
class Subscription:
    id: str
    plan: Plan
    user: SeedUser
    next_charge_at: float
    status: str = "ACTIVE"
    charge_count: int = 0
    last_charge_at: float | None = None
    pinned: bool = False  # a documented demo subscription: never cancelled by the random history


@dataclass(slots=True)
class Billing:
    plans: list[Plan] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    # (next charge, enrolment order, subscription): a heap, so each renewal costs O(log n)
    due: list[tuple[float, int, Subscription]] = field(default_factory=list)

    def queue(self, sub: Subscription) -> None:
        heapq.heappush(self.due, (sub.next_charge_at, len(self.subscriptions), sub))


def setup(seeder: Seeder, world: World, tw: TribbleWorld) -> Billing:
    billing = Billing()
    demo_owner = world.demo["merchant"].id
    for merchant in tw.merchants:
        specs = DEMO_PLANS if merchant.owner == demo_owner else seeder.rng.sample(OTHER_PLANS, seeder.rng.randint(0, 2))
        for spec in specs:
            plan = Plan(tid(seeder, "plan"), merchant, spec, spec.major * 100)
            seeder.conn.execute(
                "INSERT INTO tribble_plans (id, merchant_id, name, description, amount, currency, billing_frequency,"
                " billing_interval, trial_period_days, trial_amount, setup_fee, max_charges, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0, NULL, ?)",
                (
                    plan.id,
                    merchant.id,
                    spec.name,
                    spec.description,
                    plan.amount,
                    spec.currency,
                    spec.frequency,
                    spec.trial_days,
                    seeder.now,
                ),
            )
            billing.plans.append(plan)
    return billing


def subscribe(seeder: Seeder, billing: Billing, user: SeedUser, plan: Plan | None = None) -> Subscription | None:
    """Enrol ``user`` now (from the wallet); the first charge is due now or after the trial."""
    plans = [p for p in billing.plans if p.spec.currency in user.wallets and p.merchant.owner != user.id]
    if plan is None:
        if not plans:
            return None
        plan = seeder.rng.choice(plans)
    if any(s.plan is plan and s.user is user and s.status == "ACTIVE" for s in billing.subscriptions):
        return None
    now = seeder.now
    trial_end = now + plan.spec.trial_days * 86_400 if plan.spec.trial_days else None
    sub = Subscription(tid(seeder, "sub"), plan, user, trial_end if trial_end is not None else now)
    seeder.conn.execute(
        "INSERT INTO tribble_subscriptions (id, plan_id, merchant_id, customer_user_id, payment_method_id, status,"
        " start_at, trial_end_at, next_charge_at, created_at) VALUES (?, ?, ?, ?, 'wallet', 'ACTIVE', ?, ?, ?, ?)",
        (sub.id, plan.id, plan.merchant.id, user.id, now, trial_end, sub.next_charge_at, now),
    )
    billing.queue(sub)
    billing.subscriptions.append(sub)
    return sub


def charge_due(seeder: Seeder, cw: CashierWorld, billing: Billing, until: float) -> None:
    """Post every renewal due up to ``until`` (in due order), as Tribble's billing renews."""
    while billing.due and billing.due[0][0] <= until:
        due_at, order, sub = heapq.heappop(billing.due)
        if sub.status != "ACTIVE" or sub.next_charge_at != due_at:
            continue
        _renew(seeder, cw, sub)
        if sub.status == "ACTIVE":
            heapq.heappush(billing.due, (sub.next_charge_at, order, sub))


def _renew(seeder: Seeder, cw: CashierWorld, sub: Subscription) -> None:
    plan, user = sub.plan, sub.user
    currency, value, scheduled = plan.spec.currency, plan.amount, sub.next_charge_at
    saved_now = seeder.now
    seeder.now = scheduled
    charge_id = tid(seeder, "charge")
    cashier.ensure_funds(seeder, cw, user, currency, value)
    now = seeder.now

    def record(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO tribble_subscription_charges (id, subscription_id, kind, amount, currency, status,"
            " scheduled_at, charged_at, attempt_count, journal_id, created_at)"
            " VALUES (?, ?, 'renewal', ?, ?, 'SUCCEEDED', ?, ?, 1, ?, ?)",
            (charge_id, sub.id, value, currency, scheduled, now, journal.id, now),
        )

    journal = seeder.post(
        "TRANSACTION_TYPE_PAYMENT",
        [
            Leg(
                user.wallets[currency],
                merchant_account(seeder, plan.merchant, currency),
                value,
                description=f"Subscription {plan.spec.name}",
            )
        ],
        description=f"Tribble subscription {sub.id} renewal charge {charge_id}",
        key=f"tribble:subcharge:{charge_id}:1",
        metadata={"platform": "tribble", "subscriptionId": sub.id, "chargeId": charge_id},
        on_posted=record,
    )
    nxt = add_period(scheduled, plan.spec.frequency, 1)
    if journal is None:  # the wallet could not pay: cancelled after dunning, as Tribble would end up
        seeder.conn.execute(
            "INSERT INTO tribble_subscription_charges (id, subscription_id, kind, amount, currency, status,"
            " scheduled_at, attempt_count, failure_reason, created_at) VALUES (?, ?, 'renewal', ?, ?, 'FAILED', ?, 4,"
            " 'Insufficient funds', ?)",
            (charge_id, sub.id, value, currency, scheduled, now),
        )
        sub.status = "CANCELLED"
        seeder.conn.execute(
            "UPDATE tribble_subscriptions SET status = 'CANCELLED', cancelled_at = ?, cancel_reason = 'payment_failed',"
            " auto_renew = 0, next_charge_at = NULL WHERE id = ?",
            (now, sub.id),
        )
    else:
        sub.charge_count += 1
        sub.last_charge_at = now
        sub.next_charge_at = nxt
        seeder.conn.execute(
            "UPDATE tribble_subscriptions SET charge_count = ?, last_charge_at = ?, last_charge_amount = ?,"
            " next_charge_at = ? WHERE id = ?",
            (sub.charge_count, now, value, nxt, sub.id),
        )
    seeder.now = saved_now


def cancel(seeder: Seeder, billing: Billing, user: SeedUser) -> None:
    mine = [s for s in billing.subscriptions if s.user is user and s.status == "ACTIVE" and not s.pinned]
    if not mine:
        return
    sub = seeder.rng.choice(mine)
    sub.status = "CANCELLED"
    seeder.conn.execute(
        "UPDATE tribble_subscriptions SET status = 'CANCELLED', cancelled_at = ?, cancel_reason = 'customer_request',"
        " auto_renew = 0, next_charge_at = NULL WHERE id = ?",
        (seeder.now, sub.id),
    )


def schedule_renewals(seeder: Seeder, billing: Billing) -> None:
    """Every ACTIVE subscription's next renewal, as the job Tribble's billing schedules."""
    for sub in billing.subscriptions:
        if sub.status == "ACTIVE":
            schedule_in(
                seeder.conn,
                RENEWAL_JOB,
                sub.next_charge_at,
                {"subscription_id": sub.id, "due": sub.next_charge_at},
                now=seeder.now,
                ref=f"tribble:sub:{sub.id}",
            )
