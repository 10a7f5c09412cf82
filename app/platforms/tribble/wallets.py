"""Wallets: the user's ledger wallet accounts (open, find, render), the funding checks and charge, settlement."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.identity.models import Principal
from app.core.ledger.models import Account, Journal, Leg
from app.core.ledger.statements import last_entry_in
from app.core.money import normalize_currency, parse_amount
from app.platforms.tribble import events, payment_methods
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.processor_status import fail_in, succeed_in
from app.platforms.tribble.render import account_id_of_wallet, amount, wallet_id
from app.platforms.tribble.schemas import FundIn, LastTransaction, WalletOut
from app.platforms.tribble.store import transactions as store
from app.runtime import Sandbox

WALLET_PURPOSE = "ACCOUNT_PURPOSE_WALLET"
DEFAULT_CURRENCIES = ("NGN", "USD")
FUND_KIND = "tribble.fund"


async def open_default_wallets(sandbox: Sandbox, user_id: int) -> list[Account]:
    """Tribble has no wallet-creation route: every user gets an NGN and a USD wallet (get-or-create)."""
    return [
        await sandbox.ledger.open_account("user", user_id, cur, purpose=WALLET_PURPOSE) for cur in DEFAULT_CURRENCIES
    ]


async def user_wallets(sandbox: Sandbox, user_id: int) -> list[Account]:
    return list(await sandbox.ledger.accounts_of("user", user_id, purpose=WALLET_PURPOSE))


async def wallet_in_currency(sandbox: Sandbox, user_id: int, currency: str) -> Account | None:
    for account in await user_wallets(sandbox, user_id):
        if account.currency == currency:
            return account
    return None


def wallet_status(account: Account) -> str:
    if not account.is_active:
        return "INACTIVE"
    if account.is_locked:
        return "LOCKED"
    return "ACTIVE"


async def owned_wallet(sandbox: Sandbox, caller: Principal, wallet: str, field: str = "walletId") -> Account:
    account_id = account_id_of_wallet(wallet)
    account = await sandbox.ledger.get_account(account_id) if account_id is not None else None
    if (
        account is None
        or account.owner_type != "user"
        or account.purpose != WALLET_PURPOSE
        or (account.owner_id != caller.user.id and not caller.user.is_admin)
    ):
        raise TribbleError("NOT_FOUND", "Wallet not found", {"field": field, "walletId": wallet})
    return account


def _last_transaction_in(conn: sqlite3.Connection, account_id: int) -> LastTransaction | None:
    """The wallet's newest entry and the Tribble record it belongs to: O(1) rows whatever the history."""
    entry = last_entry_in(conn, account_id)
    if entry is None:
        return None
    row = store.record_of_journal(conn, entry.journal_id)
    return LastTransaction(
        transaction_id=row[0] if row else entry.receipt_code,
        amount=amount(entry.amount, entry.currency),
        type="CREDIT" if entry.side == "DR_CR_CREDIT" else "DEBIT",
        timestamp=iso(entry.created_at),
    )


async def render_wallet(sandbox: Sandbox, account: Account, owner_uuid: str) -> WalletOut:
    return WalletOut(
        wallet_id=wallet_id(account.id),
        user_id=owner_uuid,
        balance=amount(account.balance, account.currency),
        currency=account.currency,
        status=wallet_status(account),
        created_at=iso(account.created_at),
        last_transaction=sandbox.db.peek(lambda conn: _last_transaction_in(conn, account.id)),
        available_balance=amount(account.available, account.currency),
    )


async def fundable(sandbox: Sandbox, caller: Principal, data: FundIn) -> tuple[Account, int, Any]:
    """(the caller's active wallet, the amount in minor units, the usable card) of a funding request."""
    account = await owned_wallet(sandbox, caller, data.wallet_id)
    if account.owner_id != caller.user.id:
        raise TribbleError("FORBIDDEN", "Only the wallet owner can fund it")
    if wallet_status(account) != "ACTIVE":
        raise TribbleError("UNPROCESSABLE_ENTITY", "Wallet is not active", {"walletId": data.wallet_id})
    try:
        minor = parse_amount(data.amount, account.currency)
    except DomainError as exc:
        raise invalid_amount("amount", exc) from None
    method = await payment_methods.owned_method(sandbox, caller.user.id, data.payment_method_id)
    if method["type"] != "card":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Wallets are funded from a card",
            {"field": "paymentMethodId", "message": "Only card payment methods can fund a wallet"},
        )
    payment_methods.ensure_usable(sandbox, method)
    return account, minor, method


async def start_fund_charge(
    sandbox: Sandbox, user_id: int, txn_id: str, account: Account, method: Any, minor: int, fee: int
) -> dict[str, str]:
    """Start the card charge of a funding (amount + fee); the X-Sandbox-Explain header of its plan."""
    try:
        plan = await sandbox.simulators.operations.start(
            FUND_KIND,
            txn_id,
            simulator="card",
            user_id=user_id,
            amount=minor + fee,
            currency=account.currency,
            inputs={"card_token": method["card_token"], "amount": minor + fee, "card_last4": method["last4"]},
            payload={"wallet_account_id": account.id, "fee": fee, "amount": minor},
        )
    except Exception:
        await mark_failed(sandbox, txn_id, "Card processor unavailable")
        raise
    return {"X-Sandbox-Explain": plan.explain} if plan.explain else {}


async def mark_failed(sandbox: Sandbox, txn_id: str, message: str) -> None:
    """A transaction whose processor operation could not be started never stays PROCESSING."""
    now = sandbox.clock.time()
    await sandbox.db.write(lambda c: fail_in(c, txn_id, message, now))


async def settle_fund(sandbox: Sandbox, op: Any, outcome: Any) -> None:
    """Card processor simulator settled a wallet funding: credit the wallet and the fee account."""
    row = await sandbox.db.read(lambda conn: store.transaction_by_id(conn, op.ref))
    if row is None or row["status"] not in ("PROCESSING",):
        return
    now = sandbox.clock.time()
    currency = row["currency"]
    if not outcome.succeeded:
        message = outcome.error_message or "Card declined"
        await sandbox.db.write(lambda c: fail_in(c, op.ref, message, now))
        await events.transaction_completed(sandbox, op.ref)
        return
    settlement = await sandbox.ledger.system_account("settlement", currency)
    legs = [Leg(settlement.id, int(row["wallet_account_id"]), int(row["amount"]), description="Wallet funding")]
    if int(row["fee"]) > 0:
        fees = await sandbox.ledger.system_account("fees", currency)
        legs.append(Leg(settlement.id, fees.id, int(row["fee"]), kind="fee", description="Wallet funding fee"))

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        succeed_in(conn, op.ref, journal.id, now)

    await sandbox.ledger.post(
        "TRANSACTION_TYPE_DEPOSIT",
        legs,
        description=f"Tribble wallet funding {op.ref}",
        idempotency_key=f"op:{op.ref}:{outcome.status}",
        metadata={"platform": "tribble", "transactionId": op.ref},
        on_posted=done,
    )
    await events.transaction_completed(sandbox, op.ref)


def normalize(currency: str) -> str:
    try:
        return normalize_currency(currency)
    except DomainError:
        raise invalid("currency", f"Unsupported currency: {currency}") from None
