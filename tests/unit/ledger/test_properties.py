"""Property test: random transfers, holds, posts, voids and conversions against an in-memory model.

Each example runs on a fresh migrated SQLite database through the sync twins (the same code
the writer runs). After every operation the model and the ledger must agree on the outcome
(posted or refused) and on every balance and pending amount; at the end the invariants hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.errors import InsufficientFunds
from app.core.ledger.accounts import get_account_in, open_account_in, system_account_in
from app.core.ledger.holds import place_hold_in, post_hold_in, void_hold_in
from app.core.ledger.invariants import check_connection
from app.core.ledger.models import Leg
from app.core.ledger.postings import post_in
from app.core.money import convert
from app.db.database import connect
from app.db.migrations import apply_migrations

USERS = 2
EUR_PER_USD = Decimal("0.925")

amounts = st.one_of(st.sampled_from([1, 250, 500, 1_000, 2_000]), st.integers(min_value=1, max_value=3_000))
user = st.integers(min_value=0, max_value=USERS - 1)
operation = st.one_of(
    st.tuples(st.just("deposit"), user, st.integers(min_value=500, max_value=5_000)),
    st.tuples(st.just("transfer"), user, user, amounts, st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("hold"), user, amounts),
    st.tuples(st.just("post_hold"), st.integers(min_value=0, max_value=20), st.integers(min_value=1, max_value=100)),
    st.tuples(st.just("void_hold"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("convert"), user, amounts),
    st.tuples(st.just("retry"), st.integers(min_value=0, max_value=30)),
)


@dataclass
class Model:
    balance: dict[int, int] = field(default_factory=dict)
    pending: dict[int, int] = field(default_factory=dict)
    holds: list[tuple[int, int, int, str]] = field(default_factory=list)  # (hold_id, account, amount, status)
    keys: list[tuple[str, list[Leg], str]] = field(default_factory=list)
    negative_ok: dict[int, bool] = field(default_factory=dict)

    def available(self, account: int) -> int:
        return self.balance[account] - self.pending[account]

    def apply(self, legs: list[Leg]) -> None:
        for leg in legs:
            self.balance[leg.debit] -= leg.amount
            self.balance[leg.credit] += leg.amount

    def covers(self, legs: list[Leg], released: tuple[int, int] | None = None) -> bool:
        """Whether each wallet leg can be debited in order (system accounts may go negative)."""
        trial = dict(self.balance)
        pending = dict(self.pending)
        if released:
            pending[released[0]] -= released[1]
        for leg in legs:
            if not self.negative_ok[leg.debit] and trial[leg.debit] - pending[leg.debit] < leg.amount:
                return False
            trial[leg.debit] -= leg.amount
            trial[leg.credit] += leg.amount
        return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=5, max_size=60))
@example([("deposit", 0, 1_000), ("hold", 0, 800), ("transfer", 0, 1, 500, 0), ("post_hold", 0, 50)])
def test_ledger_matches_model(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    conn = connect(":memory:")
    apply_migrations(conn)
    now = 1_767_225_600.0
    model = Model()
    usd = [open_account_in(conn, now, "user", i, "USD").id for i in range(USERS)]
    eur = [open_account_in(conn, now, "user", i, "EUR").id for i in range(USERS)]
    settlement = system_account_in(conn, now, "settlement", "USD").id
    fees = system_account_in(conn, now, "fees", "USD").id
    fx_usd = system_account_in(conn, now, "fx", "USD").id
    fx_eur = system_account_in(conn, now, "fx", "EUR").id
    for account in [*usd, *eur, settlement, fees, fx_usd, fx_eur]:
        model.balance[account] = 0
        model.pending[account] = 0
        model.negative_ok[account] = account in (settlement, fees, fx_usd, fx_eur)

    def attempt(legs: list[Leg], key: str | None = None) -> None:
        expected_ok = model.covers(legs)
        try:
            post_in(conn, now, "TRANSACTION_TYPE_TRANSFER", legs, idempotency_key=key)
        except InsufficientFunds:
            assert not expected_ok
            return
        assert expected_ok
        model.apply(legs)
        if key is not None:
            model.keys.append((key, legs, "posted"))

    for step, op in enumerate(ops):
        now += 1
        kind = op[0]
        if kind == "deposit":
            attempt([Leg(settlement, usd[op[1]], op[2])])
        elif kind == "transfer":
            src, dst, amount, fee = usd[op[1]], usd[op[2]], op[3], op[4]
            if src == dst:
                continue
            legs = [Leg(src, dst, amount)] + ([Leg(src, fees, fee, kind="fee")] if fee else [])
            attempt(legs, key=f"k{step}")
        elif kind == "convert":
            src, dst, amount = usd[op[1]], eur[op[1]], op[2]
            converted = convert(amount, "USD", "EUR", EUR_PER_USD)
            legs = [Leg(src, fx_usd, amount, kind="fx")]
            if converted:
                legs.append(Leg(fx_eur, dst, converted, kind="fx"))
            attempt(legs)
        elif kind == "hold":
            account, amount = usd[op[1]], op[2]
            try:
                hold = place_hold_in(conn, now, account, amount)
            except InsufficientFunds:
                assert model.available(account) < amount
                continue
            assert model.available(account) >= amount
            model.pending[account] += amount
            model.holds.append((hold.id, account, amount, "open"))
        elif kind in ("post_hold", "void_hold"):
            if not model.holds:
                continue
            index = op[1] % len(model.holds)
            hold_id, account, amount, status = model.holds[index]
            if status != "open":
                continue
            if kind == "void_hold":
                void_hold_in(conn, now, hold_id)
                model.pending[account] -= amount
                model.holds[index] = (hold_id, account, amount, "voided")
                continue
            used = max(1, amount * op[2] // 100)
            legs = [Leg(account, settlement, used)]
            post_hold_in(conn, now, hold_id, "TRANSACTION_TYPE_WITHDRAWAL", legs)
            model.pending[account] -= amount
            model.apply(legs)
            model.holds[index] = (hold_id, account, amount, "posted")
        elif kind == "retry" and model.keys:
            key, legs, _ = model.keys[op[1] % len(model.keys)]
            replay = post_in(conn, now, "TRANSACTION_TYPE_TRANSFER", legs, idempotency_key=key)
            assert replay.replayed  # posts nothing: the model does not change
        for account, expected in model.balance.items():
            seen = get_account_in(conn, account)
            assert seen is not None
            assert (seen.balance, seen.pending_debit) == (expected, model.pending[account]), (op, account)
    assert sum(model.balance[a] for a in [*usd, settlement, fees, fx_usd]) == 0
    report = check_connection(conn)
    assert report.ok, report.render()
    conn.close()
