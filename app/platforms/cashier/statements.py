"""Periods and pages of ledger entries: account and owner statements, ledger pages.

``from`` / ``to`` are ISO-8601; ``to`` is inclusive to the second. Opening balance is the
balance before ``from``; closing = opening + credits - debits over the period.
"""

from __future__ import annotations

from typing import Any

from app.platforms.cashier.session import Session
from app.platforms.cashier.wallets import own_account, period, wallets

# A statement and the first and last instant it covers (epoch seconds).
Period = tuple[float, float]


def _bounds(session: Session, start: float | None, end: float | None, since: float) -> Period:
    return (start if start is not None else since), (end - 1 if end is not None else session.now())


async def account_statement(
    session: Session, account_number: str, start: str | None, end: str | None
) -> tuple[Any, Period]:
    """The statement of one of the caller's wallets over ``[from, to]`` and the period it covers."""
    acc = await own_account(session, account_number)
    since, until = period(start, end)
    statement = await session.sandbox.ledger.statement(acc.id, start=since, end=until)
    return statement, _bounds(session, since, until, acc.created_at)


async def owner_statement(session: Session, start: str | None, end: str | None) -> tuple[list[Any], Period]:
    """The statements of every wallet of the caller over ``[from, to]`` and the period they cover."""
    since, until = period(start, end)
    accounts = await wallets(session)
    statements = [await session.sandbox.ledger.statement(a.id, start=since, end=until) for a in accounts]
    return statements, _bounds(session, since, until, min(a.created_at for a in accounts))


async def ledger_page(
    session: Session, account_number: str, start: str | None, end: str | None, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of a wallet's entries, newest first, and how many there are in all."""
    acc = await own_account(session, account_number)
    since, until = period(start, end)
    entries, total = await session.sandbox.ledger.entries(
        acc.id, start=since, end=until, limit=limit, offset=offset, newest_first=True
    )
    return entries, total
