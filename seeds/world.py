"""Who exists in a seeded database: the demo accounts, generated users and their wallets.

Users are inserted through ``app.core.identity.users.insert_user`` with uuids drawn from the
seed's random source and one bcrypt hash of the demo password (salt derived from the seed).
"""

from __future__ import annotations

import base64
import hashlib
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any

import bcrypt

from app.core.identity.passwords import _prehash
from app.core.identity.users import insert_user
from seeds.constants import BCRYPT_ROUNDS, CURRENCIES, DAVE_TOTP_SECRET, DAY, DEMO_PASSWORD
from seeds.context import Seeder
from seeds.demo import DEMO_USERS, DemoUser
from seeds.people import People

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def password_hash_for_seed(seed: int, password: str = DEMO_PASSWORD, rounds: int = BCRYPT_ROUNDS) -> str:
    """bcrypt of the shared demo password with a salt derived from the seed: same seed, same hash."""
    raw = hashlib.sha256(f"paysandbox-seed-salt:{seed}".encode()).digest()[:16]
    encoded = base64.b64encode(raw).decode("ascii").rstrip("=").translate(str.maketrans(_STD, _BCRYPT))
    salt = f"$2b${rounds:02d}${encoded}".encode("ascii")
    return bcrypt.hashpw(_prehash(password), salt).decode("ascii")


@dataclass(slots=True)
class SeedUser:
    id: int
    uuid: str
    email: str
    first_name: str
    last_name: str
    phone: str
    country: str
    currency: str  # home currency
    kyc_status: str
    kyc_tier: int
    business: bool = False
    demo: str | None = None
    wallets: dict[str, int] = field(default_factory=dict)  # currency -> ledger account id

    @property
    def active(self) -> bool:
        """Transacts in the history: KYC approved (or submitted) with at least one wallet."""
        return self.kyc_status in ("approved", "submitted") and bool(self.wallets)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class World:
    users: list[SeedUser] = field(default_factory=list)
    demo: dict[str, SeedUser] = field(default_factory=dict)
    by_country: dict[str, list[SeedUser]] = field(default_factory=dict)
    by_currency: dict[str, list[SeedUser]] = field(default_factory=dict)

    def add(self, user: SeedUser) -> None:
        self.users.append(user)
        if user.demo:
            self.demo[user.demo] = user
        if user.active:
            self.by_country.setdefault(user.country, []).append(user)
            for currency in user.wallets:
                self.by_currency.setdefault(currency, []).append(user)


def _kyc(seeder: Seeder) -> tuple[str, int]:
    roll = seeder.rng.random()
    if roll < 0.62:
        return "approved", seeder.rng.choice((1, 1, 2, 2, 2, 3))
    if roll < 0.75:
        return "submitted", 1
    if roll < 0.95:
        return "pending", 0
    return "rejected", 0


def _uuid(seeder: Seeder) -> str:
    return str(uuidlib.UUID(int=seeder.rng.getrandbits(128), version=4))


def _insert(seeder: Seeder, password_hash: str, created_at: float, **fields: Any) -> int:
    user = insert_user(seeder.conn, created_at, password_hash=password_hash, uuid=_uuid(seeder), **fields)
    return user.id


def add_demo_users(seeder: Seeder, world: World, people: People, password_hash: str, start: float) -> None:
    for i, demo in enumerate(DEMO_USERS):
        created = start - 200 * DAY + i * 3600.0
        user_id = _insert(
            seeder,
            password_hash,
            created,
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            phone=demo.phone,
            date_of_birth=demo.date_of_birth,
            account_type=demo.account_type,
            country=demo.country,
            roles=demo.roles,
            status="active",
            kyc_status=demo.kyc_status,
            kyc_tier=demo.kyc_tier,
        )
        people.reserve(demo.email, demo.phone)
        if demo.totp:
            seeder.conn.execute(
                "UPDATE users SET totp_secret = ?, totp_enabled = 1 WHERE id = ?", (DAVE_TOTP_SECRET, user_id)
            )
        user = _seed_user(seeder, user_id, demo)
        seeder.now = created
        for currency in demo.currencies:
            user.wallets[currency] = seeder.wallet(user_id, currency)
        world.add(user)


def _seed_user(seeder: Seeder, user_id: int, demo: DemoUser) -> SeedUser:
    row = seeder.conn.execute("SELECT uuid FROM users WHERE id = ?", (user_id,)).fetchone()
    return SeedUser(
        user_id,
        row[0],
        demo.email,
        demo.first_name,
        demo.last_name,
        demo.phone,
        demo.country,
        demo.currencies[0],
        demo.kyc_status,
        demo.kyc_tier,
        business=demo.account_type == "business",
        demo=demo.key,
    )


def add_generated_users(
    seeder: Seeder, world: World, people: People, password_hash: str, count: int, start: float
) -> None:
    rng = seeder.rng
    for index in range(1, count + 1):
        country = people.country()
        person = people.person(country, index)
        kyc_status, tier = _kyc(seeder)
        business = rng.random() < 0.06
        created = start - rng.random() * 365 * DAY
        user_id = _insert(
            seeder,
            password_hash,
            created,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            phone=person.phone,
            date_of_birth=person.date_of_birth,
            account_type="business" if business else "individual",
            country=country.code,
            roles=("user", "merchant") if business and kyc_status == "approved" else ("user",),
            status="active",
            kyc_status=kyc_status,
            kyc_tier=tier,
        )
        row = seeder.conn.execute("SELECT uuid FROM users WHERE id = ?", (user_id,)).fetchone()
        user = SeedUser(
            user_id,
            row[0],
            person.email,
            person.first_name,
            person.last_name,
            person.phone,
            country.code,
            country.currency,
            kyc_status,
            tier,
            business=business and kyc_status == "approved",
        )
        seeder.now = created
        if kyc_status != "pending" or rng.random() < 0.5:
            user.wallets[country.currency] = seeder.wallet(user_id, country.currency)
            if rng.random() < 0.25:
                extra = rng.choice([c for c in CURRENCIES if c != country.currency])
                user.wallets[extra] = seeder.wallet(user_id, extra)
        world.add(user)
