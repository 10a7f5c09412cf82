"""Build a seeded database from nothing: ``build(path, users=, days=, seed=)``.

Steps, on a file named ``PATH.building``: create the schema and freeze the sandbox clock before
the start of history; insert the demo accounts and their wallets (first, so their ids and
account numbers never move); start and stop one ``Sandbox`` on the file so every component
seeds its reference data (partners, agents, airtime providers, their ledger accounts) exactly
as a served sandbox does; then, on one write connection, insert the generated users, each
platform's setup rows and D days of history through the ledger's sync functions (thousands of
postings per transaction). Finally the clock row and any JWT secret are removed (a served copy
runs on real time and makes its own secret), the end of history is recorded
(``seed.history_end``: the first sandbox to open a copy rebases every timestamp so history ends at
its "now", see ``app.db.rebase``), the invariants are checked, the file is vacuumed and moved
into place.

Determinism: one ``random.Random(seed)``, Faker seeded per locale, uuids from the random source,
one bcrypt hash with a seed-derived salt, and a frozen clock: the same seed gives byte-identical
ledger tables (``seeds.hashing.ledger_hash``).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.ledger.invariants import check_file
from app.db.database import connect
from app.db.migrations import apply_migrations
from app.db.rebase import SEED_END_KEY
from app.db.state import set_state_in
from app.runtime import Sandbox
from app.settings import Settings
from seeds import cashier, drop, history, nivo, subscriptions, tribble, twallet
from seeds.constants import DAY, history_end
from seeds.context import Seeder
from seeds.people import People
from seeds.world import World, add_demo_users, add_generated_users, password_hash_for_seed

Tick = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SeedReport:
    path: Path
    users: int
    days: int
    seed: int
    journals: int
    entries: int
    holds: int
    refused: int
    seconds: float

    def render(self) -> str:
        return (
            f"seeded {self.path}: {self.users} generated users + 6 demo accounts, {self.days} days, seed {self.seed}: "
            f"{self.journals} journals, {self.entries} ledger entries, {self.holds} holds in {self.seconds:.1f} s"
        )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _prepare(path: Path, start: float) -> None:
    conn = connect(path)
    try:
        apply_migrations(conn)
        conn.execute(
            "INSERT INTO sandbox_state (key, value) VALUES ('clock', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (json.dumps({"offset": 0.0, "frozen_at": start}),),
        )
    finally:
        conn.close()


async def _reference_data(path: Path) -> None:
    """Start and stop one sandbox on the file: every installed component seeds its reference data."""
    settings = Settings(db=path, scheduler=False, rate_limits=False, jwt_secret="seed-build-only")
    sandbox = Sandbox(settings, path)
    await sandbox.start()
    await sandbox.stop()


def _finish(path: Path, end: float) -> None:
    conn = connect(path)
    try:
        conn.execute("DELETE FROM sandbox_state WHERE key IN ('clock', 'jwt_secret')")
        # The first sandbox to open a copy moves every timestamp so this instant becomes its "now".
        set_state_in(conn, SEED_END_KEY, repr(end))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        # A rollback-journal file: readers of the example (tests, `paysandbox check`) leave no -wal/-shm
        # beside it; a served copy switches to WAL when it is opened.
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


@dataclass(slots=True)
class Plan:
    """One build's inputs and the state shared by its steps (one random source for everything)."""

    users: int
    days: int
    seed: int
    rng: random.Random = field(init=False)
    people: People = field(init=False)
    end: float = field(default_factory=history_end)
    world: World = field(default_factory=World)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.people = People(self.rng, self.seed)

    @property
    def start(self) -> float:
        return self.end - self.days * DAY


# The file is built under a temporary name and discarded on any failure, so durability can wait
# for the end (the final checkpoint and VACUUM): no fsync per commit, a large page cache.
_BUILD_PRAGMAS = ("PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144")


def _on_connection(path: Path, plan: Plan, step: Callable[[Seeder], None], tick: Tick | None = None) -> Seeder:
    conn = connect(path)
    for pragma in _BUILD_PRAGMAS:
        conn.execute(pragma)
    seeder = Seeder(conn, plan.rng, plan.start - 400 * DAY, tick, seed=plan.seed)
    try:
        step(seeder)
        seeder.finish()
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return seeder


def seed_demo(path: Path, plan: Plan) -> None:
    """The demo accounts and their wallets first, before any reference data: their ids and account
    numbers (ACC-USER-USD-1 ...) do not move when a component's reference data changes."""
    password_hash = password_hash_for_seed(plan.seed)
    _on_connection(path, plan, lambda s: add_demo_users(s, plan.world, plan.people, password_hash, plan.start))


def generate(path: Path, plan: Plan, tick: Tick | None = None) -> Seeder:
    """Everything after the reference data: generated users, each platform's rows, the history."""
    start = plan.start

    def step(seeder: Seeder) -> None:
        world = plan.world
        add_generated_users(seeder, world, plan.people, password_hash_for_seed(plan.seed), plan.users, start)
        seeder.now = start
        cw = cashier.setup(seeder, world)
        for user in world.users:  # opening balances
            seeder.now = start + user.id
            if user.demo is not None and user.demo not in ("alice", "bob", "dave", "merchant"):
                continue
            for currency in sorted(user.wallets) if user.demo else [user.currency]:
                if currency in user.wallets and user.kyc_status in ("approved", "submitted"):
                    cashier.deposit(seeder, cw, user, currency, seeder.amount(currency, 300, 3000))
        seeder.now = start + 3600
        drop_world = drop.setup(seeder, world)
        nivo_world = nivo.setup(seeder, world)
        tribble_world = tribble.setup(seeder, world)
        billing = subscriptions.setup(seeder, world, tribble_world)
        twallet.setup(seeder, world)
        seeder.commit_point(force=True)
        worlds = history.Worlds(world, cw, drop_world, nivo_world, tribble_world, billing)
        history.run(seeder, worlds, start, plan.days)
        seeder.now = plan.end
        drop.refresh_balances(seeder, drop_world)

    return _on_connection(path, plan, step, tick)


def build(
    path: Path | str,
    *,
    users: int,
    days: int,
    seed: int,
    force: bool = False,
    tick: Tick | None = None,
) -> SeedReport:
    """Create ``path`` (refusing to overwrite unless ``force``); returns counts and timing."""
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists (use --force to overwrite)")
    if users < 0 or days < 1:
        raise ValueError("users must be >= 0 and days >= 1")
    began = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    _remove(building)
    try:
        plan = Plan(users, days, seed)
        _prepare(building, plan.start - 400 * DAY)
        seed_demo(building, plan)
        asyncio.run(_reference_data(building))
        seeder = generate(building, plan, tick)
        report = check_file(building)
        if not report.ok:
            raise RuntimeError("seeded ledger fails its invariants:\n" + report.render())
        _finish(building, plan.end)
        _remove(target)
        os.replace(building, target)
    finally:
        _remove(building)
    return SeedReport(
        target,
        users,
        days,
        seed,
        report.stats.get("journals", 0),
        report.stats.get("entries", 0),
        report.stats.get("holds", 0),
        seeder.refused,
        time.perf_counter() - began,
    )
