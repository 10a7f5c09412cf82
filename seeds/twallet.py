"""T-Wallet's seeded data: contacts (Bob is Alice's) and send-to-profile history (hold, then post)."""

from __future__ import annotations

import sqlite3

from app.core.identity.models import profile_id_for, twallet_account_id_for
from app.core.ledger.models import Journal, Leg
from seeds import cashier
from seeds.cashier import CashierWorld
from seeds.context import Seeder
from seeds.world import SeedUser, World


def add_contact(seeder: Seeder, owner: SeedUser, contact: SeedUser) -> None:
    seeder.conn.execute(
        "INSERT OR IGNORE INTO twallet_contacts (owner_user_id, profile_id, contact_user_id, first_name, last_name, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            owner.id,
            profile_id_for(contact.uuid),
            contact.id,
            contact.first_name,
            contact.last_name,
            seeder.now,
            seeder.now,
        ),
    )


def setup(seeder: Seeder, world: World) -> None:
    alice, bob = world.demo["alice"], world.demo["bob"]
    add_contact(seeder, alice, bob)
    add_contact(seeder, bob, alice)
    active = [u for u in world.users if u.active]
    for user in active:
        for other in seeder.rng.sample(active, min(len(active), seeder.rng.randint(0, 3))):
            if other.id != user.id:
                add_contact(seeder, user, other)


def send(seeder: Seeder, cw: CashierWorld, user: SeedUser, to: SeedUser, currency: str) -> None:
    amount = seeder.amount(currency, 5, 200)
    fee = seeder.fee("twallet", "transfer", currency, amount)
    if not cashier.ensure_funds(seeder, cw, user, currency, amount + fee):
        return
    add_contact(seeder, user, to)
    source, target = user.wallets[currency], seeder.wallet(to.id, currency)
    hold = seeder.hold(source, amount + fee, reference="twallet:send", key=f"twallet:hold:{user.id}:{seeder.postings}")
    if hold is None:
        return
    created = seeder.now
    notes = seeder.rng.choice(("Dinner", "Rent share", "Thanks!", "Groceries", "Birthday gift", None))
    cur = seeder.conn.execute(
        "INSERT INTO twallet_sends (sender_user_id, recipient_user_id, from_account_id, to_profile_id, asset_key,"
        " amount, fee, notes, status, sender_ledger_account, recipient_ledger_account, hold_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
        (
            user.id,
            to.id,
            twallet_account_id_for(user.id),
            profile_id_for(to.uuid),
            currency,
            amount,
            fee,
            notes,
            source,
            target,
            hold.id,
            created,
        ),
    )
    send_id = int(cur.lastrowid or 0)
    seeder.now = created + 5
    done = seeder.now
    legs = [Leg(source, target, amount, description=f"T-Wallet send to {profile_id_for(to.uuid)}")]
    if fee > 0:
        legs.append(Leg(source, seeder.system("fees", currency), fee, kind="fee", description="T-Wallet send fee"))

    def completed(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "UPDATE twallet_sends SET status = 'completed', journal_id = ?, completed_at = ? WHERE id = ?",
            (journal.id, done, send_id),
        )

    seeder.post_hold(
        hold,
        "TRANSACTION_TYPE_TRANSFER",
        legs,
        description=f"T-Wallet send #{send_id}",
        key=f"twallet:send:{send_id}:completed",
        metadata={"platform": "twallet", "send_id": send_id, "notes": notes},
        on_posted=completed,
    )
    seeder.now = created
