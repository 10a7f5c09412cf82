"""Money movements of Nivo's transaction service: deposit, withdrawal, transfer.

Each is one ledger posting with an idempotency key, in one write job: Nivo's transaction row and
the wallet-limit check run in ``on_posted``, inside the job's savepoint, so a limit breach rolls the
posting back and a replay returns the first transaction without posting again. A transfer also
reads its two wallets inside that job (``transactions.transfer``), so the checks and the posting are atomic:
a wallet frozen a moment earlier cannot be debited.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.clock import utc_from_ts
from app.core.errors import IdempotencyMismatch, LimitExceeded
from app.core.ledger.accounts import system_account_in
from app.core.ledger.models import Journal, Leg
from app.core.ledger.postings import post_in
from app.core.money import format_amount
from app.platforms.nivo.store import transactions as tx_store
from app.platforms.nivo.store.transactions import transaction_by_journal_in
from app.platforms.nivo.wallets import NivoWallet
from app.runtime import Sandbox

OUTGOING_TYPES = ("transfer", "withdrawal")


@dataclass(frozen=True)
class TxSpec:
    type: str
    user_id: int
    amount: int
    currency: str
    from_wallet: NivoWallet | None
    to_wallet: NivoWallet | None
    description: str
    channel: str = "api"


def day_and_month_start(ts: float) -> tuple[float, float]:
    """Start of the UTC day and of the calendar month holding ``ts`` (epoch seconds)."""
    return _day_and_month(int(ts // 86_400))


@functools.lru_cache(maxsize=64)
def _day_and_month(day_number: int) -> tuple[float, float]:
    dt = utc_from_ts(day_number * 86_400)
    return float(day_number * 86_400), datetime(dt.year, dt.month, 1, tzinfo=UTC).timestamp()


def _spent_in(conn: sqlite3.Connection, wallet_id: str, day: float, month: float, amount: int) -> tuple[int, int]:
    """Today's and this month's outgoing totals including ``amount`` (just written), kept as running totals."""
    spent_today, spent_month = tx_store.add_spend_in(conn, wallet_id, day, month, amount)
    if spent_today < 0:  # recount from the rows, the one just written included
        spent_today, spent_month = tx_store.count_spend_in(conn, wallet_id, day, month, _next_month(month))
        tx_store.set_spend_in(conn, wallet_id, spent_today, spent_month)
    return int(spent_today), int(spent_month)


def _next_month(month_start: float) -> float:
    dt = utc_from_ts(month_start)
    year, month = (dt.year + 1, 1) if dt.month == 12 else (dt.year, dt.month + 1)
    return datetime(year, month, 1, tzinfo=UTC).timestamp()


def check_wallet_limits_in(conn: sqlite3.Connection, wallet: NivoWallet, amount: int, now: float) -> None:
    """Outgoing transfers + withdrawals of a wallet (including the one just written) within its limits.

    Runs in the posting's savepoint: a refusal rolls the running totals back with the posting.
    """
    day, month = day_and_month_start(now)
    spent_today, spent_month = _spent_in(conn, wallet.id, day, month, amount)
    if spent_today > wallet.daily_limit:
        raise LimitExceeded(
            f"Daily transaction limit exceeded: limit {format_amount(wallet.daily_limit, wallet.currency)}"
            f" {wallet.currency}, already used today {format_amount(spent_today - amount, wallet.currency)}",
            code="limit_exceeded",
        )
    if spent_month > wallet.monthly_limit:
        raise LimitExceeded(
            f"Monthly transaction limit exceeded: limit {format_amount(wallet.monthly_limit, wallet.currency)}"
            f" {wallet.currency}",
            code="limit_exceeded",
        )


def insert_transaction_in(
    conn: sqlite3.Connection, spec: TxSpec, tx_id: str, journal_id: int, now: float
) -> sqlite3.Row:
    """Write Nivo's transaction row for a posted journal; returns the row as stored."""
    return tx_store.insert_transaction_in(
        conn,
        (
            tx_id,
            journal_id,
            spec.type,
            spec.user_id,
            spec.from_wallet.id if spec.from_wallet else None,
            spec.to_wallet.id if spec.to_wallet else None,
            spec.amount,
            spec.currency,
            spec.description,
            spec.channel,
            now,
        ),
    )


_LEDGER_TYPES = {
    "deposit": "TRANSACTION_TYPE_DEPOSIT",
    "withdrawal": "TRANSACTION_TYPE_WITHDRAWAL",
    "transfer": "TRANSACTION_TYPE_TRANSFER",
}


def post_movement_in(
    conn: sqlite3.Connection,
    now: float,
    spec: TxSpec,
    idempotency_key: str,
    *,
    extra_in: Any = None,
    tx_id: str | None = None,
) -> sqlite3.Row:
    """Post ``spec`` to the ledger and write Nivo's transaction row; returns that row (first one on replay).

    Runs in the caller's write job (its savepoint makes it all-or-nothing). ``extra_in(conn, tx_id)``
    runs in the same savepoint (e.g. mark a verification used).
    """
    if spec.type == "deposit":
        assert spec.to_wallet is not None
        debit, credit = system_account_in(conn, now, "settlement", spec.currency).id, spec.to_wallet.account_id
    elif spec.type == "withdrawal":
        assert spec.from_wallet is not None
        debit, credit = spec.from_wallet.account_id, system_account_in(conn, now, "settlement", spec.currency).id
    else:
        assert spec.from_wallet is not None and spec.to_wallet is not None
        debit, credit = spec.from_wallet.account_id, spec.to_wallet.account_id
    new_id = tx_id or str(uuid.uuid4())

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> sqlite3.Row:
        row = insert_transaction_in(conn, spec, new_id, journal.id, now)
        if spec.from_wallet is not None and spec.type in OUTGOING_TYPES:
            check_wallet_limits_in(conn, spec.from_wallet, spec.amount, now)
        if extra_in is not None:
            extra_in(conn, new_id)
            row = transaction_by_journal_in(conn, journal.id) or row
        return row

    journal = post_in(
        conn,
        now,
        _LEDGER_TYPES[spec.type],
        [Leg(debit=debit, credit=credit, amount=spec.amount, description=spec.description or spec.type)],
        description=spec.description or f"Nivo {spec.type}",
        idempotency_key=idempotency_key,
        metadata={"platform": "nivo", "nivo_transaction_id": new_id, "type": spec.type},
        on_posted=on_posted,
        atomic=False,
    )
    row: sqlite3.Row | None = journal.extra
    if row is None:  # a replay: the transaction written the first time
        row = transaction_by_journal_in(conn, journal.id)
    if row is None:  # a journal under this key that Nivo did not write
        raise IdempotencyMismatch("Idempotency-Key already used by another operation", differs=["operation"])
    return row


async def post_movement(sandbox: Sandbox, spec: TxSpec, idempotency_key: str, *, extra_in: Any = None) -> sqlite3.Row:
    """:func:`post_movement_in` in one write job of its own (the sandbox clock read on the writer)."""
    row: sqlite3.Row = await sandbox.db.write(
        lambda conn: post_movement_in(conn, sandbox.clock.time(), spec, idempotency_key, extra_in=extra_in)
    )
    return row
