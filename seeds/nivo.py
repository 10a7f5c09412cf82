"""Nivo's seeded data: wallets of +91 users (INR, active), beneficiaries, UPI deposits and transfers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from app.core.clock import utc_from_ts
from app.core.ledger.models import Journal, Leg
from app.core.money import exponent
from app.platforms.nivo.cards import (
    BIN,
    DEFAULT_DAILY_MAJOR,
    DEFAULT_MONTHLY_MAJOR,
    luhn_check_digit,
    mask,
    number_hash,
)
from app.platforms.nivo.wallets import DEFAULT_DAILY_LIMIT_MAJOR, DEFAULT_MONTHLY_LIMIT_MAJOR
from seeds.context import OnPosted, Seeder
from seeds.ids import uuid4
from seeds.world import SeedUser, World

_PSPS = ("okaxis", "oksbi", "okhdfcbank", "ybl", "paytm")
_CATEGORIES = ("food", "transport", "shopping", "utilities", "entertainment", "bills", "rent", "transfers", "other")


@dataclass(slots=True)
class NivoWorld:
    wallets: dict[tuple[int, str], str] = field(default_factory=dict)  # (user id, currency) -> wallet id
    users: list[SeedUser] = field(default_factory=list)


def setup(seeder: Seeder, world: World) -> NivoWorld:
    nw = NivoWorld()
    for user in world.users:
        if not user.phone.startswith("+91") or "INR" not in user.wallets:
            continue
        scale = 10 ** exponent("INR")
        for currency in sorted(user.wallets):
            wallet_id = uuid4(seeder.rng)
            seeder.conn.execute(
                "INSERT INTO nivo_wallets (id, user_id, account_id, currency, status, daily_limit, monthly_limit,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)",
                (
                    wallet_id,
                    user.id,
                    user.wallets[currency],
                    currency,
                    DEFAULT_DAILY_LIMIT_MAJOR * scale,
                    DEFAULT_MONTHLY_LIMIT_MAJOR * scale,
                    seeder.now,
                    seeder.now,
                ),
            )
            nw.wallets[(user.id, currency)] = wallet_id
        if user.active:
            nw.users.append(user)
            if user.demo == "alice" or seeder.rng.random() < 0.4:
                virtual_card(seeder, user, nw.wallets[(user.id, "INR")])
    alice, bob = world.demo["alice"], world.demo["bob"]
    for owner, other in ((alice, bob), (bob, alice)):
        seeder.conn.execute(
            "INSERT OR IGNORE INTO nivo_beneficiaries (id, owner_user_id, beneficiary_user_id, wallet_id, nickname,"
            " phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uuid4(seeder.rng),
                owner.id,
                other.id,
                nw.wallets.get((other.id, "INR")),
                other.first_name,
                other.phone,
                seeder.now,
            ),
        )
    return nw


def virtual_card(seeder: Seeder, user: SeedUser, wallet_id: str) -> None:
    """A Nivo virtual card on the INR wallet (masked number and a keyed hash only, as Nivo stores it)."""
    card_id = uuid4(seeder.rng)
    body = BIN + "".join(str(seeder.rng.randrange(10)) for _ in range(11))
    number = body + luhn_check_digit(body)
    holder = "".join(ch for ch in user.full_name.upper() if ch.isascii() and (ch.isalpha() or ch == " "))[:26]
    issued = utc_from_ts(seeder.now)
    scale = 10 ** exponent("INR")
    seeder.conn.execute(
        "INSERT INTO nivo_cards (id, wallet_id, user_id, card_number_masked, last4, number_hash, card_holder_name,"
        " expiry_month, expiry_year, status, daily_limit, monthly_limit, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
        (
            card_id,
            wallet_id,
            user.id,
            mask(number),
            number[-4:],
            number_hash(card_id, number),
            holder.strip() or "CARD HOLDER",
            issued.month,
            issued.year + 3,
            DEFAULT_DAILY_MAJOR * scale,
            DEFAULT_MONTHLY_MAJOR * scale,
            seeder.now,
            seeder.now,
        ),
    )


def _record(
    seeder: Seeder,
    kind: str,
    user: SeedUser,
    amount: int,
    description: str,
    *,
    src: str | None,
    dst: str | None,
    channel: str = "api",
    tx_id: str,
) -> OnPosted:
    now = seeder.now
    category = seeder.rng.choice(_CATEGORIES) if kind == "transfer" else None

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO nivo_transactions (id, journal_id, type, user_id, from_wallet_id, to_wallet_id, amount,"
            " currency, status, description, category, channel, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'INR', 'completed', ?, ?, ?, ?)",
            (tx_id, journal.id, kind, user.id, src, dst, amount, description, category, channel, now),
        )

    return on_posted


def upi_deposit(seeder: Seeder, nw: NivoWorld, user: SeedUser) -> None:
    wallet_id = nw.wallets.get((user.id, "INR"))
    if wallet_id is None:
        return
    amount = seeder.amount("INR", 10, 400)
    tx_id, deposit_id = uuid4(seeder.rng), uuid4(seeder.rng)
    upi_id = f"{user.first_name.lower().replace(' ', '')}{user.id}@{seeder.rng.choice(_PSPS)}"
    now = seeder.now
    record = _record(
        seeder,
        "deposit",
        user,
        amount,
        f"UPI deposit from {upi_id}",
        src=None,
        dst=wallet_id,
        channel="upi",
        tx_id=tx_id,
    )

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        record(conn, journal)
        conn.execute(
            "INSERT INTO nivo_upi_deposits (id, wallet_id, user_id, amount, currency, upi_id, status, transaction_id,"
            " created_at, completed_at) VALUES (?, ?, ?, ?, 'INR', ?, 'completed', ?, ?, ?)",
            (deposit_id, wallet_id, user.id, amount, upi_id, tx_id, now - 20, now),
        )

    seeder.post(
        "TRANSACTION_TYPE_DEPOSIT",
        [Leg(seeder.system("settlement", "INR"), user.wallets["INR"], amount, description=f"UPI deposit {upi_id}")],
        description="Nivo deposit",
        key=f"nivo:upi:{deposit_id}",
        metadata={"platform": "nivo", "nivo_transaction_id": tx_id, "type": "deposit"},
        on_posted=on_posted,
    )


def transfer(seeder: Seeder, nw: NivoWorld, user: SeedUser, to: SeedUser) -> None:
    src, dst = nw.wallets.get((user.id, "INR")), nw.wallets.get((to.id, "INR"))
    if src is None or dst is None or user.id == to.id:
        return
    amount = seeder.amount("INR", 2, 150)
    if seeder.available(user.wallets["INR"]) < amount:
        upi_deposit(seeder, nw, user)
        if seeder.available(user.wallets["INR"]) < amount:
            return
    tx_id = uuid4(seeder.rng)
    description = f"To {to.first_name}"
    seeder.post(
        "TRANSACTION_TYPE_TRANSFER",
        [Leg(user.wallets["INR"], to.wallets["INR"], amount, description=description)],
        description=description,
        key=f"nivo:transfer:{tx_id}",
        metadata={"platform": "nivo", "nivo_transaction_id": tx_id, "type": "transfer"},
        on_posted=_record(seeder, "transfer", user, amount, description, src=src, dst=dst, tx_id=tx_id),
    )
