"""The seeder's working state: one write connection, one random source, a deterministic clock.

Every posting goes through the real ledger engine's sync functions (``post_in``,
``place_hold_in``, ``post_hold_in``, ``void_hold_in``) on one connection; ``commit_point``
commits every ``COMMIT_EVERY`` postings so a million entries need a few hundred commits.
Balances are mirrored in memory (from each journal's ``balance_after``) only to choose
affordable amounts; the ledger still checks every debit.

Ids that a platform's own helpers draw at random at run time (Drop's notification ids) come
from side streams (``Seeder.ids``): one ``random.Random`` per purpose seeded with
``f"{seed}:{purpose}"``, so they repeat with the seed without taking draws from ``rng`` (every
other seeded value stays where it was).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from app.core.errors import DomainError
from app.core.fees import FeeRule, find_rule_in
from app.core.fx import rate_in, usd_rates_in
from app.core.ledger.accounts import open_account_in, system_account_in
from app.core.ledger.holds import place_hold_in, post_hold_in, void_hold_in
from app.core.ledger.models import Hold, Journal, Leg
from app.core.ledger.postings import post_in
from app.core.money import convert, exponent
from seeds.constants import COMMIT_EVERY
from seeds.ids import hex_id

OnPosted = Callable[[sqlite3.Connection, Journal], Any]
Tick = Callable[[int], None]

# Amounts are chosen in USD and converted, then rounded to a plausible step of each currency.
_STEP_MAJOR = {"KES": 10, "NGN": 50, "INR": 10, "NOK": 5, "JPY": 100}


class Seeder:
    def __init__(
        self, conn: sqlite3.Connection, rng: random.Random, now: float, tick: Tick | None = None, *, seed: int
    ) -> None:
        self.conn = conn
        self.rng = rng
        self.seed = seed
        self._side: dict[str, random.Random] = {}
        self.now = now
        self.tick = tick or (lambda _n: None)
        self.balances: dict[int, int] = {}
        self._accounts: dict[tuple[Any, ...], int] = {}
        self._uncommitted = 0
        self._fee_rules: dict[tuple[str, str, str], FeeRule | None] = {}
        self.postings = 0
        self.refused = 0
        self.per_usd: dict[str, Decimal] = usd_rates_in(conn)
        self.conn.execute("BEGIN IMMEDIATE")

    # -- transactions ------------------------------------------------------------------------
    def commit_point(self, force: bool = False) -> None:
        if force or self._uncommitted >= COMMIT_EVERY:
            self.conn.execute("COMMIT")
            self.tick(self._uncommitted)
            self._uncommitted = 0
            self.conn.execute("BEGIN IMMEDIATE")

    def finish(self) -> None:
        self.conn.execute("COMMIT")
        self.tick(self._uncommitted)
        self._uncommitted = 0

    # -- ids outside the main stream -------------------------------------------------------
    def ids(self, purpose: str) -> Callable[[str], str]:
        """An id factory (``prefix -> prefix_<16 hex>``) on the side stream ``f"{seed}:{purpose}"``.

        For ids the platforms' helpers otherwise draw at random (``make_id=`` of
        ``app.platforms.drop.notifications.notify_in``): reproduced by the seed, and drawing them moves no
        later draw of ``rng``. One stream per purpose, so a new one shifts none of the others.
        """
        stream = self._side.get(purpose)
        if stream is None:
            stream = self._side[purpose] = random.Random(f"{self.seed}:{purpose}")
        return lambda prefix: hex_id(stream, prefix)

    # -- accounts ----------------------------------------------------------------------------
    def wallet(self, user_id: int, currency: str) -> int:
        key = ("user", user_id, currency)
        account_id = self._accounts.get(key)
        if account_id is None:
            account_id = open_account_in(self.conn, self.now, "user", user_id, currency).id
            self._accounts[key] = account_id
            self.balances.setdefault(account_id, 0)
        return account_id

    def system(self, name: str, currency: str) -> int:
        key = ("system", name, currency)
        account_id = self._accounts.get(key)
        if account_id is None:
            account_id = system_account_in(self.conn, self.now, name, currency).id
            self._accounts[key] = account_id
        return account_id

    def account(self, owner_type: str, owner_id: int, currency: str, **options: Any) -> int:
        key = (owner_type, owner_id, currency, options.get("purpose", ""))
        account_id = self._accounts.get(key)
        if account_id is None:
            account_id = open_account_in(self.conn, self.now, owner_type, owner_id, currency, **options).id
            self._accounts[key] = account_id
        return account_id

    def available(self, account_id: int) -> int:
        return self.balances.get(account_id, 0)

    # -- money -------------------------------------------------------------------------------
    def amount(self, currency: str, low_usd: float, high_usd: float) -> int:
        """A plausible amount (minor units) worth between ``low_usd`` and ``high_usd``."""
        usd = low_usd + (high_usd - low_usd) * self.rng.random() ** 2
        major = Decimal(str(round(usd, 2))) * self.per_usd.get(currency, Decimal(1))
        step = _STEP_MAJOR.get(currency, 1)
        major = max(Decimal(step), (major / step).to_integral_value() * step)
        return int(major * (10 ** exponent(currency)))

    def fee(self, scheme: str, transaction_type: str, currency: str, amount: int) -> int:
        """The fee of the shared fee table's rule (rules do not change while seeding: read once)."""
        key = (scheme, transaction_type, currency)
        if key not in self._fee_rules:
            self._fee_rules[key] = find_rule_in(self.conn, scheme, transaction_type, currency)
        rule = self._fee_rules[key]
        return 0 if rule is None else rule.fee_for(amount)

    def convert(self, amount: int, source: str, target: str) -> tuple[int, Decimal]:
        """Convert at the shared FX table's rate, storing the quote (``fx_quotes``) as the platforms do."""
        rate = rate_in(self.conn, self.now, source, target).rate
        return convert(amount, source, target, rate), rate

    def _mirror(self, journal: Journal) -> None:
        for entry in journal.entries:
            self.balances[entry.account_id] = entry.balance_after
        self.postings += 1
        self._uncommitted += 1

    def post(
        self,
        type: str,
        legs: Sequence[Leg],
        *,
        description: str,
        key: str,
        metadata: dict[str, Any] | None = None,
        on_posted: OnPosted | None = None,
    ) -> Journal | None:
        """Post through the ledger; None (counted) when the ledger refuses it."""
        try:
            journal = post_in(
                self.conn,
                self.now,
                type,
                legs,
                description=description,
                idempotency_key=key,
                metadata=metadata,
                on_posted=on_posted,
            )
        except DomainError:
            self.refused += 1
            return None
        self._mirror(journal)
        return journal

    def hold(self, account_id: int, amount: int, *, reference: str, key: str) -> Hold | None:
        try:
            hold = place_hold_in(self.conn, self.now, account_id, amount, reference=reference, idempotency_key=key)
        except DomainError:
            self.refused += 1
            return None
        self.balances[account_id] = self.balances.get(account_id, 0) - amount
        return hold

    def post_hold(
        self,
        hold: Hold,
        type: str,
        legs: Sequence[Leg],
        *,
        description: str,
        key: str,
        metadata: dict[str, Any] | None = None,
        on_posted: OnPosted | None = None,
    ) -> Journal:
        self.balances[hold.account_id] = self.balances.get(hold.account_id, 0) + hold.amount
        journal = post_hold_in(
            self.conn,
            self.now,
            hold.id,
            type,
            legs,
            description=description,
            idempotency_key=key,
            metadata=metadata,
            on_posted=on_posted,
        )
        self._mirror(journal)
        return journal

    def void_hold(self, hold: Hold, reason: str) -> None:
        void_hold_in(self.conn, self.now, hold.id, reason=reason)
        self.balances[hold.account_id] = self.balances.get(hold.account_id, 0) + hold.amount
