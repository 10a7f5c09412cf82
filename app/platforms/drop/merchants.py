"""Merchants: registration (one profile per user, unique organisation number, a NOK settlement account),
the dashboard periods and the payout schedule."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from app.core.ledger.accounts import open_account_in
from app.platforms.drop.store import merchants as store

PERIODS = ("today", "week", "month")
PAYOUT_HOUR = 6  # merchant payouts run at 06:00 UTC on business days


def register_in(
    conn: sqlite3.Connection,
    merchant_id: str,
    user_id: int,
    business_name: str,
    org_number: str,
    address: str | None,
    bank_account: str,
    now: float,
) -> str | None:
    """Open the settlement account and write the profile, in one write job; the conflict's message when
    the user is a merchant already or the organisation number is taken (nothing written)."""
    if store.user_is_merchant_in(conn, user_id):
        return "You are already registered as a merchant"
    if store.org_number_taken_in(conn, org_number):
        return "Organisation number already registered"
    account = open_account_in(
        conn, now, "merchant", user_id, "NOK", purpose="ACCOUNT_PURPOSE_SETTLEMENT", label=business_name
    )
    store.insert_merchant_in(
        conn, merchant_id, user_id, business_name, org_number, address, bank_account, account.id, now
    )
    return None


def period_start(now: datetime, period: str) -> datetime:
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    if period == "week":
        return midnight - timedelta(days=now.weekday())
    if period == "month":
        return midnight.replace(day=1)
    return midnight


def next_payout(now: datetime) -> datetime:
    candidate = datetime(now.year, now.month, now.day, PAYOUT_HOUR, tzinfo=UTC)
    if candidate <= now:
        candidate += timedelta(days=1)
    while candidate.weekday() >= 5:
        candidate += timedelta(days=1)
    return candidate
