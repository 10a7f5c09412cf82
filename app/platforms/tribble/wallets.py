"""Wallets: the user's ledger wallet accounts (list, get, fund from a card)."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import HeaderParameter, QueryParameter

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.identity.models import Principal
from app.core.ledger.models import Account, Journal, Leg
from app.core.ledger.statements import last_entry_in
from app.core.money import normalize_currency, parse_amount
from app.platforms.tribble import events, payment_methods, payments
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.processor_status import fail_in, succeed_in
from app.platforms.tribble.render import account_id_of_wallet, amount, new_id, wallet_id
from app.platforms.tribble.schemas import FundIn, FundOut, LastTransaction, WalletListOut, WalletOut, WalletSummary
from app.platforms.tribble.store import transactions as store
from app.registry import SandboxDep
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


@get("/wallets", summary="List the caller's wallets", tags=["tribble: wallets"])
async def list_wallets(
    caller: Principal,
    sandbox: SandboxDep,
    listing: ListQuery,
    currency: Annotated[str | None, QueryParameter(name="currency", description="Filter by currency")] = None,
) -> WalletListOut:
    accounts = await user_wallets(sandbox, caller.user.id)
    if currency:
        accounts = [a for a in accounts if a.currency == currency.strip().upper()]
    page, total = apply(
        accounts,
        listing,
        status=wallet_status,
        created=lambda a: a.created_at,
        text=lambda a: (a.currency, wallet_id(a.id), a.label),
        sort_keys={
            "createdAt": lambda a: a.created_at,
            "balance": lambda a: a.balance,
            "currency": lambda a: a.currency,
        },
    )
    return WalletListOut(
        wallets=[
            WalletSummary(
                wallet_id=wallet_id(a.id),
                currency=a.currency,
                balance=amount(a.balance, a.currency),
                status=wallet_status(a),
            )
            for a in page
        ],
        pagination=listing.page(total),
    )


@get("/wallets/{walletId:str}", summary="Wallet balance and details", tags=["tribble: wallets"])
async def get_wallet(caller: Principal, sandbox: SandboxDep, walletId: str) -> WalletOut:
    account = await owned_wallet(sandbox, caller, walletId)
    owner = caller.user
    if account.owner_id != caller.user.id:
        found = await sandbox.identity.get_user(int(account.owner_id or 0))
        owner = found or owner
    return await render_wallet(sandbox, account, owner.uuid)


async def _fundable(sandbox: Sandbox, caller: Principal, data: FundIn) -> tuple[Account, int, Any]:
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


async def _start_fund_charge(
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


@post("/wallets/fund", status_code=201, summary="Fund a wallet from a card", tags=["tribble: wallets"])
async def fund_wallet(
    caller: Principal,
    sandbox: SandboxDep,
    data: FundIn,
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", description="Retry-safe key", required=False)
    ] = None,
) -> Response[FundOut]:
    account, minor, method = await _fundable(sandbox, caller, data)
    # Idempotency-Key: a retry answers the first response and starts no second charge.
    key = payments.idempotency_key_of(idempotency_key)
    fingerprint = {"walletId": data.wallet_id, "amount": minor, "paymentMethodId": data.payment_method_id}
    if key is not None:
        user_id = caller.user.id
        existing = await sandbox.db.read(lambda conn: store.response_by_key(conn, user_id, key))
        if existing is not None:
            return payments.stored_response(existing, fingerprint)
    fee = (await sandbox.ledger.fees.quote("tribble", "fund", account.currency, minor)).fee
    now = sandbox.clock.time()
    txn_id = new_id("txn-fund")
    charge_id = new_id("charge")

    body = FundOut(
        transaction_id=txn_id,
        wallet_id=wallet_id(account.id),
        amount=amount(minor, account.currency),
        status="PROCESSING",
        transaction_fee=amount(fee, account.currency),
        total_amount=amount(minor + fee, account.currency),
        new_balance=amount(account.balance + minor, account.currency),
        created_at=iso(now),
    )
    stored = {"request": fingerprint, "status": 201, "body": payments.to_builtins(body)}

    user_id = caller.user.id
    response = json.dumps(stored)

    def insert(conn: sqlite3.Connection) -> None:
        store.insert_fund(
            conn, txn_id, user_id, account.id, method["id"], minor, fee, account.currency, charge_id, now, key, response
        )

    try:
        await sandbox.db.write(insert)
    except sqlite3.IntegrityError:  # the same key raced in: answer what the first request answered
        return await payments.replay(sandbox, caller.user.id, key, fingerprint)
    headers = await _start_fund_charge(sandbox, caller.user.id, txn_id, account, method, minor, fee)
    return Response(body, status_code=201, headers=headers)


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


ROUTES = [list_wallets, get_wallet, fund_wallet]
