"""Subscription billing on the sandbox clock: periods, charges, renewals and dunning.

A charge debits the customer's wallet (wallet -> merchant) or charges the card (settlement ->
merchant; a card whose simulator behaviour is a decline fails). Renewals are scheduler jobs at
``next_charge_at``; a failed renewal makes the subscription PAST_DUE and is retried after
1, 3 and 5 days (dunning); a later success marks the charge recovered and the subscription
ACTIVE again; after the last failed retry the subscription is CANCELLED (payment_failed).
"""

from __future__ import annotations

import calendar
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.ledger.models import Journal, Leg
from app.core.money import apply_rate
from app.core.scheduler import Job, schedule_in
from app.platforms.tribble import events, merchants
from app.platforms.tribble.render import account_id_of_wallet, amount, new_id
from app.platforms.tribble.store import subscriptions as store
from app.runtime import Sandbox

RENEWAL_JOB = "tribble.subscription_renewal"
RETRY_JOB = "tribble.subscription_retry"
RETRY_DAYS = (1, 3, 5)
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
DECLINING = {"declined", "insufficient_funds", "expired_card", "processing_error", "incorrect_cvc", "requires_3ds"}
# Monthly-recurring-revenue factor per billing frequency (for an interval of 1).
MRR_FACTOR = {
    "daily": Decimal(30),
    "weekly": Decimal(52) / Decimal(12),
    "monthly": Decimal(1),
    "quarterly": Decimal(1) / Decimal(3),
    "yearly": Decimal(1) / Decimal(12),
}


def add_period(ts: float, frequency: str, interval: int, anchor_day: int | None = None) -> float:
    """``ts`` plus ``interval`` billing periods, in UTC. Months keep the billing anchor: a cycle that
    started on the 31st renews on the last day of shorter months and on the 31st again after them
    (Jan 31 -> Feb 28, or 29 in a leap year -> Mar 31), as card networks' billing does."""
    d = datetime.fromtimestamp(ts, UTC)
    if frequency == "daily":
        return (d + timedelta(days=interval)).timestamp()
    if frequency == "weekly":
        return (d + timedelta(weeks=interval)).timestamp()
    months = interval * {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    day = min(anchor_day or d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day).timestamp()


def anchor_day_of(sub: Any) -> int:
    """The day of month a subscription's cycle is anchored to: where its billing began (trial end or start)."""
    began = sub["trial_end_at"] if sub["trial_end_at"] is not None else sub["start_at"]
    return datetime.fromtimestamp(float(began), UTC).day


def mrr_of(plan: Any) -> int:
    factor = MRR_FACTOR[plan["billing_frequency"]] / Decimal(max(1, int(plan["billing_interval"])))
    return apply_rate(int(plan["amount"]), factor)


def date_of(ts: float | None) -> str | None:
    return None if ts is None else iso(ts)[:10]


async def _plan_and_sub(sandbox: Sandbox, subscription_id: str) -> tuple[Any, Any]:
    sub = await store.subscription_by_id(sandbox.db, subscription_id)
    plan = await store.plan_by_id(sandbox.db, sub["plan_id"]) if sub else None
    return sub, plan


async def _card_declines(sandbox: Sandbox, method_id: str) -> str | None:
    row = await store.card_of_method(sandbox.db, method_id)
    if row is None or not row["is_active"]:
        return "Payment method is no longer available"
    token = await sandbox.simulators.cards.get_token(row["card_token"])
    if token is None:
        return "Card token not found"
    if token.behaviour in DECLINING:
        return "Your card was declined."
    return None


async def charge_source(sandbox: Sandbox, sub: Any, currency: str) -> tuple[int | None, str | None]:
    """(the account the charge is paid from, why it cannot be charged): the wallet or the card's settlement."""
    method = sub["payment_method_id"]
    wallet_id = account_id_of_wallet(method) if method else None
    if method is None or method == "wallet" or wallet_id is not None:
        if wallet_id is None:
            wallets = await sandbox.ledger.accounts_of(
                "user", int(sub["customer_user_id"]), purpose="ACCOUNT_PURPOSE_WALLET"
            )
            found = [w for w in wallets if w.currency == currency]
            wallet_id = found[0].id if found else None
        return wallet_id, None if wallet_id is not None else f"No {currency} wallet"
    failure = await _card_declines(sandbox, method)
    if failure is not None:
        return None, failure
    return (await sandbox.ledger.system_account("settlement", currency)).id, None


async def charge(
    sandbox: Sandbox, sub: Any, plan: Any, charge_id: str, value: int, kind: str, scheduled: float, attempt: int = 1
) -> bool:
    """Attempt one charge (new or retried); records it and publishes subscription:charged."""
    now = sandbox.clock.time()
    currency = plan["currency"]
    merchant = await merchants.get_merchant(sandbox, sub["merchant_id"])
    merchant_acct = await merchants.merchant_account(sandbox, merchant, currency)
    source, failure = await charge_source(sandbox, sub, currency)
    row = (charge_id, sub["id"], kind, value, currency, scheduled)
    ok = False
    if failure is None and source is not None and value > 0:

        def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
            store.record_charge_in(conn, row, "SUCCEEDED", journal.id, None, now)

        try:
            await sandbox.ledger.post(
                "TRANSACTION_TYPE_PAYMENT",
                [Leg(source, merchant_acct.id, value, description=f"Subscription {plan['name']}")],
                description=f"Tribble subscription {sub['id']} {kind} charge {charge_id}",
                idempotency_key=f"tribble:subcharge:{charge_id}:{attempt}",
                metadata={"platform": "tribble", "subscriptionId": sub["id"], "chargeId": charge_id},
                on_posted=on_posted,
            )
            ok = True
        except DomainError as exc:
            failure = "Insufficient funds" if exc.code == "insufficient_funds" else exc.message
    if not ok:
        reason = failure or "Charge failed"
        await sandbox.db.write(lambda conn: store.record_charge_in(conn, row, "FAILED", None, reason, now))
    return ok


async def publish_charged(sandbox: Sandbox, sub_id: str, charge_id: str) -> None:
    sub = await store.subscription_by_id(sandbox.db, sub_id)
    row = await store.charge_by_id(sandbox.db, charge_id)
    if sub is None or row is None:
        return
    await events.publish(
        sandbox,
        "subscription:charged",
        {
            "subscriptionId": sub_id,
            "chargeId": charge_id,
            "amount": amount(int(row["amount"]), row["currency"]),
            "status": row["status"],
            "nextChargeDate": date_of(sub["next_charge_at"]),
            "timestamp": iso(sandbox.clock.time()),
        },
        int(sub["customer_user_id"]),
    )


async def schedule_renewal(sandbox: Sandbox, sub_id: str, due: float) -> None:
    now = sandbox.clock.time()
    await sandbox.db.write(
        lambda conn: schedule_in(
            conn, RENEWAL_JOB, due, {"subscription_id": sub_id, "due": due}, now=now, ref=f"tribble:sub:{sub_id}"
        )
    )
    sandbox.scheduler.wake()


async def renew(sandbox: Sandbox, sub_id: str, due: float) -> None:
    sub, plan = await _plan_and_sub(sandbox, sub_id)
    if sub is None or plan is None or sub["status"] != "ACTIVE" or sub["next_charge_at"] != due:
        return
    charge_id = new_id("charge")
    ok = await charge(sandbox, sub, plan, charge_id, int(plan["amount"]), "renewal", due)
    now = sandbox.clock.time()
    nxt = add_period(due, plan["billing_frequency"], int(plan["billing_interval"]), anchor_day_of(sub))
    if ok:
        count = int(sub["charge_count"]) + 1
        done = plan["max_charges"] is not None and count >= int(plan["max_charges"])
        status = "COMPLETED" if done else "ACTIVE"
        await store.record_renewal(sandbox.db, sub_id, count, now, int(plan["amount"]), None if done else nxt, status)
        if not done and sub["auto_renew"]:
            await schedule_renewal(sandbox, sub_id, nxt)
    else:
        await store.mark_past_due(sandbox.db, sub_id, nxt)
        await sandbox.scheduler.schedule(
            RETRY_JOB,
            due + RETRY_DAYS[0] * 86400,
            {"subscription_id": sub_id, "charge_id": charge_id, "attempt": 1},
            ref=f"tribble:sub:{sub_id}",
        )
    await publish_charged(sandbox, sub_id, charge_id)


async def retry(sandbox: Sandbox, sub_id: str, charge_id: str, attempt: int) -> None:
    sub, plan = await _plan_and_sub(sandbox, sub_id)
    row = await store.charge_by_id(sandbox.db, charge_id)
    if sub is None or plan is None or row is None or sub["status"] != "PAST_DUE" or row["status"] != "FAILED":
        return
    ok = await charge(
        sandbox, sub, plan, charge_id, int(row["amount"]), row["kind"], float(row["scheduled_at"]), attempt + 1
    )
    now = sandbox.clock.time()
    if ok:
        await store.record_recovery(sandbox.db, sub_id, now, int(row["amount"]))
        nxt = float(sub["next_charge_at"])
        await schedule_renewal(sandbox, sub_id, max(nxt, now))
        if nxt < now:
            await store.set_next_charge(sandbox.db, sub_id, now)
    elif attempt < len(RETRY_DAYS):
        await sandbox.scheduler.schedule(
            RETRY_JOB,
            float(row["scheduled_at"]) + RETRY_DAYS[attempt] * 86400,
            {"subscription_id": sub_id, "charge_id": charge_id, "attempt": attempt + 1},
            ref=f"tribble:sub:{sub_id}",
        )
    else:
        await store.cancel_for_payment_failed(sandbox.db, sub_id, now)
    await publish_charged(sandbox, sub_id, charge_id)


def install(sandbox: Sandbox) -> None:
    async def on_renewal(job: Job) -> None:
        await renew(sandbox, str(job.payload["subscription_id"]), float(job.payload["due"]))

    async def on_retry(job: Job) -> None:
        await retry(
            sandbox, str(job.payload["subscription_id"]), str(job.payload["charge_id"]), int(job.payload["attempt"])
        )

    sandbox.scheduler.register(RENEWAL_JOB, on_renewal)
    sandbox.scheduler.register(RETRY_JOB, on_retry)
