"""Tribble's subscription tables: ``tribble_plans``, ``tribble_subscriptions`` and
``tribble_subscription_charges`` (read and written by subscriptions.py and billing.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database

# --- plans ---------------------------------------------------------------------------------------


def plan_by_id(db: Database, plan_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM tribble_plans WHERE id = ?", (plan_id,))


def first_merchant_of_owner(db: Database, user_id: int) -> Awaitable[sqlite3.Row | None]:
    """The owner's merchant a plan goes to when none is named: an approved one first, then the oldest."""
    return db.fetchone(
        "SELECT * FROM tribble_merchants WHERE owner_user_id = ? ORDER BY kyc_status = 'APPROVED' DESC, created_at"
        " LIMIT 1",
        (user_id,),
    )


def insert_plan(db: Database, values: tuple[Any, ...]) -> Awaitable[int]:
    """``values``: id, merchant_id, name, description, amount, currency, billing_frequency, billing_interval,
    trial_period_days, trial_amount, setup_fee, max_charges, created_at."""
    return db.execute(
        "INSERT INTO tribble_plans (id, merchant_id, name, description, amount, currency, billing_frequency,"
        " billing_interval, trial_period_days, trial_amount, setup_fee, max_charges, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        values,
    )


# --- subscriptions -------------------------------------------------------------------------------


def subscription_by_id(db: Database, sub_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM tribble_subscriptions WHERE id = ?", (sub_id,))


def open_subscription_in(conn: sqlite3.Connection, plan_id: str, user_id: int) -> Any:
    return conn.execute(
        "SELECT id FROM tribble_subscriptions WHERE plan_id = ? AND customer_user_id = ? AND status IN"
        " ('ACTIVE', 'PAUSED', 'PAST_DUE')",
        (plan_id, user_id),
    ).fetchone()


def insert_subscription_in(conn: sqlite3.Connection, values: tuple[Any, ...]) -> None:
    """``values``: id, plan_id, merchant_id, customer_user_id, payment_method_id, start_at, trial_end_at,
    next_charge_at, created_at (status ACTIVE)."""
    conn.execute(
        "INSERT INTO tribble_subscriptions (id, plan_id, merchant_id, customer_user_id, payment_method_id, status,"
        " start_at, trial_end_at, next_charge_at, created_at) VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?)",
        values,
    )


def cancel_for_setup_fee(db: Database, sub_id: str, now: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'CANCELLED', cancelled_at = ?, cancel_reason ="
        " 'setup_fee_failed', next_charge_at = NULL WHERE id = ?",
        (now, sub_id),
    )


def pause(db: Database, sub_id: str, now: float) -> Awaitable[int]:
    return db.execute("UPDATE tribble_subscriptions SET status = 'PAUSED', paused_at = ? WHERE id = ?", (now, sub_id))


def resume(db: Database, sub_id: str, now: float, next_charge_at: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'ACTIVE', resumed_at = ?, next_charge_at = ? WHERE id = ?",
        (now, next_charge_at, sub_id),
    )


def cancel(db: Database, sub_id: str, now: float, reason: str) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'CANCELLED', cancelled_at = ?, cancel_reason = ?, auto_renew = 0,"
        " next_charge_at = NULL WHERE id = ?",
        (now, reason, sub_id),
    )


def subscriptions_of_customer(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT s.*, p.name AS plan_name, p.amount, p.currency, p.billing_frequency, p.billing_interval"
        " FROM tribble_subscriptions s JOIN tribble_plans p ON p.id = s.plan_id WHERE s.customer_user_id = ?",
        (user_id,),
    )


def subscriptions_of_merchant(db: Database, merchant_id: str) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT s.*, p.amount, p.currency, p.billing_frequency, p.billing_interval FROM tribble_subscriptions s"
        " JOIN tribble_plans p ON p.id = s.plan_id WHERE s.merchant_id = ?",
        (merchant_id,),
    )


# --- billing: renewals, retries, charges ---------------------------------------------------------


def record_renewal(
    db: Database, sub_id: str, count: int, now: float, value: int, next_charge_at: float | None, status: str
) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET charge_count = ?, last_charge_at = ?, last_charge_amount = ?,"
        " next_charge_at = ?, status = ? WHERE id = ?",
        (count, now, value, next_charge_at, status, sub_id),
    )


def mark_past_due(db: Database, sub_id: str, next_charge_at: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'PAST_DUE', next_charge_at = ? WHERE id = ?",
        (next_charge_at, sub_id),
    )


def record_recovery(db: Database, sub_id: str, now: float, value: int) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'ACTIVE', charge_count = charge_count + 1, last_charge_at = ?,"
        " last_charge_amount = ? WHERE id = ?",
        (now, value, sub_id),
    )


def set_next_charge(db: Database, sub_id: str, next_charge_at: float) -> Awaitable[int]:
    return db.execute("UPDATE tribble_subscriptions SET next_charge_at = ? WHERE id = ?", (next_charge_at, sub_id))


def cancel_for_payment_failed(db: Database, sub_id: str, now: float) -> Awaitable[int]:
    return db.execute(
        "UPDATE tribble_subscriptions SET status = 'CANCELLED', cancelled_at = ?, cancel_reason = 'payment_failed',"
        " next_charge_at = NULL WHERE id = ?",
        (now, sub_id),
    )


def card_of_method(db: Database, method_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT card_token, is_active FROM tribble_payment_methods WHERE id = ?", (method_id,))


def charge_by_id(db: Database, charge_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM tribble_subscription_charges WHERE id = ?", (charge_id,))


def charges_of_subscription(db: Database, sub_id: str) -> Awaitable[list[sqlite3.Row]]:
    return db.fetchall(
        "SELECT * FROM tribble_subscription_charges WHERE subscription_id = ? ORDER BY scheduled_at, created_at",
        (sub_id,),
    )


def renewal_charges_of_merchant(db: Database, merchant_id: str, start: float, end: float) -> Awaitable[list[Any]]:
    return db.fetchall(
        "SELECT c.* FROM tribble_subscription_charges c JOIN tribble_subscriptions s ON s.id = c.subscription_id"
        " WHERE s.merchant_id = ? AND c.kind = 'renewal' AND c.scheduled_at >= ? AND c.scheduled_at < ?",
        (merchant_id, start, end),
    )


def record_charge_in(
    conn: sqlite3.Connection,
    charge: tuple[str, str, str, int, str, float],
    status: str,
    journal_id: int | None,
    reason: str | None,
    now: float,
) -> None:
    """Insert the charge (first attempt) or count one more attempt. ``charge``: id, subscription_id, kind,
    amount, currency, scheduled_at."""
    charge_id, sub_id, kind, value, currency, scheduled = charge
    charged_at = now if status == "SUCCEEDED" else None
    existing = conn.execute(
        "SELECT attempt_count FROM tribble_subscription_charges WHERE id = ?", (charge_id,)
    ).fetchone()
    if existing is None:
        conn.execute(
            "INSERT INTO tribble_subscription_charges (id, subscription_id, kind, amount, currency, status,"
            " scheduled_at, charged_at, attempt_count, failure_reason, journal_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (charge_id, sub_id, kind, value, currency, status, scheduled, charged_at, reason, journal_id, now),
        )
    else:
        conn.execute(
            "UPDATE tribble_subscription_charges SET status = ?, attempt_count = attempt_count + 1,"
            " charged_at = ?, failure_reason = ?, journal_id = ?, recovered = ? WHERE id = ?",
            (status, charged_at, reason, journal_id, 1 if status == "SUCCEEDED" else 0, charge_id),
        )
