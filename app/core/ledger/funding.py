"""Money on demand: credit a wallet from the sandbox funding account, or take money back to it.

The funding account is the system account ``funding`` of each currency (``system:funding:<CUR>``,
number ``ACC-SYSTEM-<CUR>-<id>``, label ``funding``). It may go negative: its balance is minus
what the sandbox has put into wallets, so every balance QA conjures is one balanced journal of
type ``TRANSACTION_TYPE_ADJUSTMENT`` and ``paysandbox check`` stays clean. A take-back is refused
by the posting engine when the wallet's available balance (balance - held) does not cover it.

Sync functions on the writer's connection (inside the caller's savepoint), like ``post_in``.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from app.core.ledger.accounts import require_account_in, system_account_in
from app.core.ledger.models import Account, Journal, Leg
from app.core.ledger.postings import post_in

FUNDING_ACCOUNT = "funding"
FUNDING_TYPE = "TRANSACTION_TYPE_ADJUSTMENT"
# ``fund``: from the funding account into a wallet; ``debit``: back to the funding account.
Direction = Literal["fund", "debit"]
DESCRIPTIONS: dict[Direction, str] = {"fund": "Sandbox funding", "debit": "Sandbox debit"}


def funding_account_in(conn: sqlite3.Connection, now: float, currency: str) -> Account:
    return system_account_in(conn, now, FUNDING_ACCOUNT, currency)


def move_in(
    conn: sqlite3.Connection,
    now: float,
    account: Account,
    amount: int,
    direction: Direction,
    *,
    description: str | None = None,
    idempotency_key: str | None = None,
    atomic: bool = False,
) -> Journal:
    """Move ``amount`` minor units between ``account`` and the funding account of its currency.

    ``fund`` credits the account; ``debit`` takes the money back (InsufficientFunds beyond its
    available). ``description`` defaults to ``DESCRIPTIONS[direction]``.
    """
    funding = funding_account_in(conn, now, account.currency)
    source, target = (funding.id, account.id) if direction == "fund" else (account.id, funding.id)
    description = DESCRIPTIONS[direction] if description is None else description
    return post_in(
        conn,
        now,
        FUNDING_TYPE,
        [Leg(source, target, amount, description=description)],
        description=description,
        idempotency_key=idempotency_key,
        metadata={"sandbox": direction},
        atomic=atomic,
    )


def settle_to_in(
    conn: sqlite3.Connection,
    now: float,
    account: Account,
    target: int,
    *,
    description: str = "Sandbox balance",
    idempotency_key: str | None = None,
) -> Journal | None:
    """Bring ``account``'s balance to ``target`` minor units: fund or take back the difference (None: already)."""
    current = require_account_in(conn, account.id)
    if current.balance == target:
        return None
    direction: Direction = "fund" if current.balance < target else "debit"
    return move_in(
        conn,
        now,
        current,
        abs(target - current.balance),
        direction,
        description=description,
        idempotency_key=idempotency_key,
    )
