"""Tribble's trigger-kept running totals equal the history they summarise, after any edit sequence.

tribble_risk_totals (migration 0805, the fraud engine's "user average") and tribble_usage_days
(migration 0806, what the KYC tier limits count per UTC day) are kept by triggers on
tribble_transactions and tribble_topups. Hypothesis drives inserts, status changes, re-dating (what
a snapshot rebase does) and deletes; after each sequence both tables must equal a GROUP BY over
the rows themselves.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.db.migrations import apply_migrations, available_migrations

DAY = 86_400.0
BASE = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
STATUSES = ("SUCCESS", "PROCESSING", "PENDING", "FAILED", "BLOCKED", "REFUNDED")
TOPUP_STATUSES = ("SUCCESS", "PENDING", "FAILED")

insert_payment = st.tuples(
    st.just("pay"),
    st.sampled_from(("payment", "fund")),
    st.integers(1, 3),
    st.sampled_from(("NGN", "USD")),
    st.integers(1, 10_000),
    st.sampled_from(STATUSES),
    st.one_of(st.floats(-3 * DAY, 40 * DAY), st.sampled_from((-1e-4, -4e-4, 0.0, DAY - 1e-4, 2 * DAY - 6e-4))),
)
insert_topup = st.tuples(
    st.just("topup"),
    st.integers(1, 3),
    st.sampled_from(("NGN", "KES")),
    st.integers(1, 10_000),
    st.sampled_from(TOPUP_STATUSES),
    st.floats(0, 40 * DAY),
)
change = st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(STATUSES))
redate = st.tuples(st.just("shift"), st.floats(-5 * DAY, 5 * DAY))
delete = st.tuples(st.just("delete"), st.integers(0, 50))
operations = st.lists(st.one_of(insert_payment, insert_topup, change, redate, delete), max_size=40)


def database() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn)
    return conn


def apply(conn: sqlite3.Connection, ops: list[tuple[object, ...]]) -> None:
    for n, op in enumerate(ops):
        kind = op[0]
        if kind == "pay":
            _, txn_kind, user, currency, amount, status, offset = op
            conn.execute(
                "INSERT INTO tribble_transactions (id, kind, customer_user_id, amount, currency, status, country,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (f"t{n}", txn_kind, user, amount, currency, status, "NG" if n % 2 else "ke", BASE + offset),
            )
        elif kind == "topup":
            _, user, currency, amount, status, offset = op
            conn.execute(
                "INSERT INTO tribble_topups (id, user_id, provider, phone, amount, currency, status, reference,"
                " created_at) VALUES (?, ?, 'MTN', '+234', ?, ?, ?, ?, ?)",
                (f"u{n}", user, amount, currency, status, f"r{n}", BASE + offset),
            )
        elif kind == "status":
            _, pick, status = op
            conn.execute(
                "UPDATE tribble_transactions SET status = ? WHERE rowid = (SELECT rowid FROM tribble_transactions"
                " ORDER BY rowid LIMIT 1 OFFSET ?)",
                (status, pick),
            )
            conn.execute(
                "UPDATE tribble_topups SET status = ? WHERE rowid = (SELECT rowid FROM tribble_topups"
                " ORDER BY rowid LIMIT 1 OFFSET ?)",
                ("FAILED" if status in ("FAILED", "BLOCKED") else "SUCCESS", pick),
            )
        elif kind == "shift":
            conn.execute("UPDATE tribble_transactions SET created_at = created_at + ?", (op[1],))
            conn.execute("UPDATE tribble_topups SET created_at = created_at + ?", (op[1],))
        else:
            conn.execute(
                "DELETE FROM tribble_transactions WHERE rowid = (SELECT rowid FROM tribble_transactions"
                " ORDER BY rowid LIMIT 1 OFFSET ?)",
                (op[1],),
            )


def utc_midnight(ts: float) -> int:
    """The UTC day a time falls in: floor division, exact for any float (times before 1970 too)."""
    return math.floor(ts / DAY) * int(DAY)


def expected_usage(conn: sqlite3.Connection) -> dict[tuple[int, int, str], tuple[int, int]]:
    totals: dict[tuple[int, int, str], tuple[int, int]] = {}
    rows = conn.execute(
        "SELECT customer_user_id, created_at, currency, amount FROM tribble_transactions"
        " WHERE kind = 'payment' AND status NOT IN ('FAILED', 'BLOCKED')"
        " UNION ALL SELECT user_id, created_at, currency, amount FROM tribble_topups WHERE status != 'FAILED'"
    ).fetchall()
    for user, created_at, currency, amount in rows:
        key = (user, utc_midnight(created_at), currency)
        count, total = totals.get(key, (0, 0))
        totals[key] = (count + 1, total + amount)
    return totals


def stored_usage(conn: sqlite3.Connection) -> dict[tuple[int, int, str], tuple[int, int]]:
    rows = conn.execute("SELECT user_id, day, currency, operations, amount FROM tribble_usage_days")
    return {(u, d, c): (n, a) for u, d, c, n, a in rows if n or a}


@settings(max_examples=60, deadline=None)
@given(operations)
@example(  # every kind of edit at least once, whatever Hypothesis draws
    [
        ("pay", "payment", 1, "NGN", 500, "SUCCESS", 0.5),
        ("topup", 1, "KES", 70, "PENDING", DAY - 1),
        ("shift", 2 * DAY),
        ("status", 0, "FAILED"),
        ("pay", "payment", 2, "USD", 9, "PROCESSING", 3 * DAY),
        ("status", 1, "SUCCESS"),
        ("delete", 0),
        ("pay", "payment", 1, "NGN", 7, "SUCCESS", -0.0001),  # the last tenth of a millisecond of a day
        ("pay", "payment", 1, "NGN", 8, "SUCCESS", -DAY - 3 * DAY - 0.5),  # and before 1970 after a shift
        ("shift", -BASE),
    ]
)
def test_running_totals_equal_the_history(ops: list[tuple[object, ...]]) -> None:
    conn = database()
    apply(conn, ops)
    assert stored_usage(conn) == expected_usage(conn)
    risk = conn.execute("SELECT user_id, currency, payments, amount FROM tribble_risk_totals WHERE payments != 0")
    history = conn.execute(
        "SELECT customer_user_id, currency, count(*), sum(amount) FROM tribble_transactions"
        " WHERE kind = 'payment' AND status IN ('SUCCESS', 'PROCESSING') GROUP BY 1, 2"
    )
    assert sorted(risk) == sorted(history)


def test_the_backfill_of_an_existing_history_counts_it() -> None:
    """A database that already holds payments when migration 0806 runs starts with their totals."""
    conn = database()
    apply(conn, [("pay", "payment", 1, "NGN", 500, "SUCCESS", 0.5), ("topup", 2, "KES", 70, "PENDING", DAY + 1)])
    conn.execute("DELETE FROM tribble_usage_days")
    sql = next(sql for version, _name, sql in available_migrations() if version == 806)
    conn.executescript(sql)
    assert (
        stored_usage(conn)
        == expected_usage(conn)
        == {
            (1, int(BASE), "NGN"): (1, 500),
            (2, int(BASE + DAY), "KES"): (1, 70),
        }
    )
