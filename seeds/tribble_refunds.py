"""Money back from Tribble merchants: refunds (hold, then posted) and disputes (held, then charged back
or released; recent ones stay OPEN), with Tribble's ``tribble_refunds``/``tribble_disputes`` rows."""

from __future__ import annotations

import sqlite3

from app.core.ledger.models import Journal, Leg
from app.platforms.tribble.disputes import DEADLINE_DAYS, MERCHANT_RESPONSE_DAYS
from app.platforms.tribble.disputes import REASONS as DISPUTE_REASONS
from seeds.context import Seeder
from seeds.tribble import TribbleWorld, merchant_account, tid
from seeds.world import SeedUser


def refund(seeder: Seeder, tw: TribbleWorld) -> None:
    """A merchant refunds a wallet payment: a hold on the merchant account, then posted (as Tribble does)."""
    if not tw.payments:
        return
    txn, user, merchant, amount, currency, _ = tw.payments.pop(seeder.rng.randrange(len(tw.payments)))
    source = merchant_account(seeder, merchant, currency)
    refund_id = tid(seeder, "refund")
    hold = seeder.hold(source, amount, reference=f"tribble:refund:{refund_id}", key=f"tribble:refund-hold:{refund_id}")
    if hold is None:
        return
    created = seeder.now
    seeder.conn.execute(
        "INSERT INTO tribble_refunds (id, transaction_id, amount, currency, reason, description, status,"
        " requested_by, hold_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
        (
            refund_id,
            txn,
            amount,
            currency,
            "requested_by_customer",
            "Customer refund",
            merchant.owner,
            hold.id,
            created,
        ),
    )
    seeder.now = created + seeder.rng.uniform(5, 120)
    done = seeder.now

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "UPDATE tribble_refunds SET status = 'COMPLETED', journal_id = ?, completed_at = ? WHERE id = ?",
            (journal.id, done, refund_id),
        )

    seeder.post_hold(
        hold,
        "TRANSACTION_TYPE_REFUND",
        [Leg(source, user.wallets[currency], amount, description=f"Refund {refund_id}")],
        description=f"Tribble refund {refund_id} of {txn}",
        key=f"op:{refund_id}:completed",
        metadata={"platform": "tribble", "refundId": refund_id, "transactionId": txn},
        on_posted=on_posted,
    )
    seeder.now = created


def dispute(seeder: Seeder, tw: TribbleWorld, admin: SeedUser, *, resolve: bool, latest: bool = False) -> None:
    """A customer disputes a wallet payment: the disputed value is held on the merchant account; an admin
    later approves (chargeback: the hold is posted to the customer) or rejects it (the hold is voided).
    Recent disputes stay OPEN with their hold, for the admin routes to resolve."""
    if not tw.payments:
        return
    index = len(tw.payments) - 1 if latest else seeder.rng.randrange(len(tw.payments))
    txn, user, merchant, amount, currency, _ = tw.payments.pop(index)
    source = merchant_account(seeder, merchant, currency)
    dispute_id = tid(seeder, "dispute")
    created = seeder.now
    hold = seeder.hold(source, amount, reference=f"tribble:{dispute_id}", key=f"tribble:dispute-hold:{dispute_id}")
    reason = seeder.rng.choice(DISPUTE_REASONS)
    seeder.conn.execute(
        "INSERT INTO tribble_disputes (id, transaction_id, customer_user_id, merchant_id, reason, description,"
        " amount, currency, status, hold_id, deadline, merchant_response_deadline, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?)",
        (
            dispute_id,
            txn,
            user.id,
            merchant.id,
            reason,
            reason.replace("_", " ").capitalize(),
            amount,
            currency,
            hold.id if hold is not None else None,
            created + DEADLINE_DAYS * 86_400,
            created + MERCHANT_RESPONSE_DAYS * 86_400,
            created,
        ),
    )
    if not resolve:
        return
    seeder.now = created + seeder.rng.uniform(1, 6) * 86_400
    now = seeder.now
    if hold is None or seeder.rng.random() < 0.4:
        if hold is not None:
            seeder.void_hold(hold, "dispute rejected")
        seeder.conn.execute(
            "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'REJECTED', notes = ?, resolved_at = ?,"
            " refund_amount = 0 WHERE id = ?",
            ("Merchant evidence accepted", now, dispute_id),
        )
        seeder.now = created
        return
    refund_id = tid(seeder, "refund")

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO tribble_refunds (id, transaction_id, amount, currency, reason, description, status,"
            " requested_by, journal_id, created_at, completed_at) VALUES (?, ?, ?, ?, 'dispute', ?, 'COMPLETED', ?, ?,"
            " ?, ?)",
            (refund_id, txn, amount, currency, f"Dispute {dispute_id}", admin.id, journal.id, now, now),
        )
        conn.execute(
            "UPDATE tribble_disputes SET status = 'RESOLVED', resolution = 'APPROVED', notes = ?, resolved_at = ?,"
            " refund_id = ?, refund_amount = ?, journal_id = ? WHERE id = ?",
            ("Chargeback approved", now, refund_id, amount, journal.id, dispute_id),
        )

    seeder.post_hold(
        hold,
        "TRANSACTION_TYPE_REFUND",
        [Leg(source, user.wallets[currency], amount, description=f"Chargeback {dispute_id}")],
        description=f"Tribble chargeback {dispute_id}",
        key=f"tribble:dispute:{dispute_id}",
        metadata={"platform": "tribble", "disputeId": dispute_id, "transactionId": txn},
        on_posted=done,
    )
    seeder.now = created
