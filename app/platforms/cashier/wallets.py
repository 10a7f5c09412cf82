"""Finding the caller's Cashier accounts: their ledger wallet accounts (owner_type "user") in every currency."""

from __future__ import annotations

from typing import Any

from app.core.clock import parse_iso
from app.core.money import format_amount, normalize_currency
from app.platforms.cashier.errors import ACCOUNT_NOT_FOUND, NO_ACCOUNTS, CashierError
from app.platforms.cashier.session import Session

WALLET = "ACCOUNT_PURPOSE_WALLET"


async def wallets(session: Session, *, required: bool = True) -> list[Any]:
    """Every wallet account of the caller, oldest first; ``user has no accounts`` when none and required."""
    accounts = await session.sandbox.ledger.accounts_of("user", session.user_id, purpose=WALLET)
    accounts = sorted(accounts, key=lambda a: a.id)
    if required and not accounts:
        raise CashierError(NO_ACCOUNTS)
    return accounts


async def own_account(session: Session, account_number: str) -> Any:
    """The caller's wallet with this number; someone else's account is "account not found" too."""
    number = account_number.strip()
    if not number:
        raise CashierError("account_number is required")
    acc = await session.sandbox.ledger.get_account_by_number(number)
    if acc is None or acc.owner_type != "user" or acc.owner_id != session.user_id or acc.purpose != WALLET:
        raise CashierError(ACCOUNT_NOT_FOUND)
    return acc


async def wallet_in(session: Session, currency: str) -> Any | None:
    """The caller's existing wallet in ``currency`` (None when they have none)."""
    for acc in await wallets(session, required=False):
        if acc.currency == currency:
            return acc
    return None


def currency_of(value: str | None, field: str = "currency") -> str:
    if value is None or not str(value).strip():
        raise CashierError(f"{field} is required")
    try:
        return normalize_currency(value)
    except Exception:
        raise CashierError(f"unsupported currency: {value}") from None


def period(start: str | None, end: str | None) -> tuple[float | None, float | None]:
    """``from``/``to`` ISO-8601 strings -> ``[start, end)`` epoch seconds.

    ``to`` is inclusive to the second (``23:59:59Z`` covers that whole second); a bare date
    ``to`` covers the whole day.
    """
    out: list[float | None] = []
    for name, value in (("from", start), ("to", end)):
        if value is None or not value.strip():
            out.append(None)
            continue
        try:
            ts = parse_iso(value)
        except ValueError:
            raise CashierError(f"invalid {name} date: expected ISO-8601 such as 2025-12-01T00:00:00Z") from None
        if name == "to":
            ts += 86400 if len(value.strip()) == 10 else 1
        out.append(ts)
    if out[0] is not None and out[1] is not None and out[0] >= out[1]:
        raise CashierError("from must be before to")
    return out[0], out[1]


def owner_account_id(owner: Any, currency: str) -> int | None:
    """The ledger account id a partner or agent holds in ``currency``."""
    for name in ("account_ids", "accounts", "account_id"):
        mapping = getattr(owner, name, None)
        if isinstance(mapping, dict) and currency in mapping:
            value = mapping[currency]
            return int(value.id if hasattr(value, "id") else value)
    return None


async def insufficient_balance(session: Session, account_id: int) -> CashierError:
    """``insufficient balance: available 30.00 USD`` with the balance as it is now.

    The ledger's refusal reports the availability after the journal's earlier legs (inside its
    savepoint), so the message is built from a fresh read instead.
    """
    acc = await session.sandbox.ledger.balance(account_id)
    return CashierError(
        f"insufficient balance: available {format_amount(max(acc.available, 0), acc.currency)} {acc.currency}"
    )
