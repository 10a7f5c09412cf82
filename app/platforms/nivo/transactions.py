"""Nivo's transaction service rules (Flows 3, 4, 5, 6 and 9): deposit, withdrawal, transfer (above
50,000 INR under User-Admin verification), reading a transaction and setting its category.

The postings themselves are ``movements.py``'s; the handlers are ``routes/transactions.py``.
"""

from __future__ import annotations

import sqlite3
import uuid

from app.core.errors import InsufficientFunds
from app.core.money import normalize_currency, parse_amount
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.movements import TxSpec, post_movement, post_movement_in
from app.platforms.nivo.store.transactions import (
    categories_in,
    category_names_in,
    set_category_in,
    transaction_by_journal_in,
    visible_transaction_in,
)
from app.platforms.nivo.wallets import (
    NivoWallet,
    ensure_owned,
    get_wallets_in,
    normalize_uuid,
    require_active,
    wallet_of,
)
from app.runtime import Sandbox

HIGH_VALUE_INR_MINOR = 50_000_00  # transfers above 50,000 INR need User-Admin verification
MAX_DESCRIPTION = 255
TRANSFER_FUNDS_MESSAGE = "Insufficient balance in source wallet"


def idempotency_key(given: str | None, operation: str, user_id: int) -> str:
    """The Idempotency-Key header, else one generated per request (Nivo's transaction service does that)."""
    key = (given or "").strip()
    if len(key) > 200:
        raise NivoError("VALIDATION_ERROR", "Idempotency-Key must be at most 200 characters")
    return f"nivo:{operation}:{user_id}:{key or uuid.uuid4()}"


def _check_currency(given: str | None, wallet: NivoWallet) -> None:
    if given is not None and normalize_currency(given) != wallet.currency:
        raise NivoError("BAD_REQUEST", f"currency {given} does not match the wallet currency {wallet.currency}")


def _description(text: str) -> str:
    value = text.strip()
    if len(value) > MAX_DESCRIPTION:
        raise NivoError("VALIDATION_ERROR", f"description must be at most {MAX_DESCRIPTION} characters")
    return value


async def _precheck_balance(sandbox: Sandbox, wallet: NivoWallet, amount: int, message: str) -> None:
    account = await sandbox.ledger.balance(wallet.account_id)
    if account.available < amount:
        raise NivoError("INSUFFICIENT_FUNDS", message)


async def _single_wallet_movement(
    sandbox: Sandbox, user_id: int, data: s.DepositRequest | s.WithdrawalRequest
) -> tuple[NivoWallet, int, str]:
    """A deposit's or withdrawal's wallet (owned, active), amount in minor units and description."""
    w = await wallet_of(sandbox, data.wallet_id, user_id)
    _check_currency(data.currency, w)
    amount = parse_amount(data.amount, w.currency)
    description = _description(data.description)
    require_active(w)
    return w, amount, description


async def deposit(sandbox: Sandbox, user_id: int, data: s.DepositRequest, given_key: str | None) -> sqlite3.Row:
    w, amount, description = await _single_wallet_movement(sandbox, user_id, data)
    spec = TxSpec("deposit", user_id, amount, w.currency, None, w, description)
    return await post_movement(sandbox, spec, idempotency_key(given_key, "deposit", user_id))


async def withdraw(sandbox: Sandbox, user_id: int, data: s.WithdrawalRequest, given_key: str | None) -> sqlite3.Row:
    w, amount, description = await _single_wallet_movement(sandbox, user_id, data)
    spec = TxSpec("withdrawal", user_id, amount, w.currency, w, None, description)
    try:
        return await post_movement(sandbox, spec, idempotency_key(given_key, "withdrawal", user_id))
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", "Wallet balance insufficient for withdrawal") from None


class _NeedsVerification(Exception):
    """A transfer above the high-value threshold: nothing was written; the verification flow runs."""

    def __init__(self, spec: TxSpec) -> None:
        super().__init__("high-value transfer")
        self.spec = spec


def _transfer_spec(
    found_source: NivoWallet | None, target: NivoWallet | None, data: s.TransferRequest, user_id: int
) -> TxSpec:
    """The checks of a transfer request against its two wallets, in the order Nivo reports them."""
    source = ensure_owned(found_source, user_id, label="Source wallet")
    if target is None:
        raise NivoError("NOT_FOUND", "Destination wallet not found")
    if target.id == source.id:
        raise NivoError("BAD_REQUEST", "Cannot transfer to the same wallet")
    _check_currency(data.currency, source)
    if source.currency != target.currency:
        raise NivoError("BAD_REQUEST", "Source and destination wallets must have the same currency")
    amount = parse_amount(data.amount, source.currency)
    description = _description(data.description)
    require_active(source, label="Source wallet")
    require_active(target, label="Destination wallet")
    return TxSpec("transfer", user_id, amount, source.currency, source, target, description)


async def transfer(
    sandbox: Sandbox, user_id: int, data: s.TransferRequest, given_key: str | None
) -> sqlite3.Row | s.VerificationRequiredOut:
    """The transfer's row; above the threshold the verification started, or with its token the transfer."""
    keys = normalize_uuid(data.from_wallet_id), normalize_uuid(data.to_wallet_id)
    key = idempotency_key(given_key, "transfer", user_id)
    tx_id = str(uuid.uuid4())

    def run(conn: sqlite3.Connection) -> sqlite3.Row:
        # The wallets are read, checked and debited in one write job: no read hop, and no window
        # in which a wallet frozen after the check is still debited.
        source, target = get_wallets_in(conn, *keys)
        spec = _transfer_spec(source, target, data, user_id)
        if spec.currency == "INR" and spec.amount > HIGH_VALUE_INR_MINOR:
            raise _NeedsVerification(spec)
        # The ledger checks the balance atomically with the debit; no separate read needed.
        return post_movement_in(conn, sandbox.clock.time(), spec, key, tx_id=tx_id)

    try:
        row: sqlite3.Row = await sandbox.db.write(run)
        return row
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", TRANSFER_FUNDS_MESSAGE) from None
    except _NeedsVerification as high_value:
        spec = high_value.spec
    return await _high_value_transfer(sandbox, user_id, spec, data.verification_token)


async def _high_value_transfer(
    sandbox: Sandbox, user_id: int, spec: TxSpec, verification_token: str | None
) -> sqlite3.Row | s.VerificationRequiredOut:
    """Without a token: the balance checked, a verification started. With one: the transfer posted under
    the verification's key (a retry with the used token: the same transaction again)."""
    assert spec.from_wallet is not None and spec.to_wallet is not None
    source, target, amount = spec.from_wallet, spec.to_wallet, spec.amount
    params = {"from": source.id, "to": target.id, "amount": amount, "currency": source.currency}
    if not verification_token:
        await _precheck_balance(sandbox, source, amount, TRANSFER_FUNDS_MESSAGE)
        return await ver.start(sandbox, user_id, ver.HIGH_VALUE_TRANSFER, params)
    grant = await ver.check_token(
        sandbox, user_id, ver.HIGH_VALUE_TRANSFER, params, verification_token, allow_used=True
    )
    key = f"nivo:transfer:verification:{grant.id}"
    if grant.used:  # a retry of the completed transfer: the same transaction again
        journal = await sandbox.ledger.journal_by_key(key)
        replay = await sandbox.db.read(lambda conn: transaction_by_journal_in(conn, journal.id)) if journal else None
        if replay is None:
            raise NivoError("FORBIDDEN", "Verification token has already been used")
        return replay
    now = sandbox.clock.time()
    try:
        row = await post_movement(sandbox, spec, key, extra_in=lambda conn, _tx: ver.mark_used_in(conn, grant, now))
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", TRANSFER_FUNDS_MESSAGE) from None
    await ver.retire_core_token(sandbox, grant)
    return row


async def visible_transaction(sandbox: Sandbox, transaction_id: str, user_id: int) -> sqlite3.Row:
    """A transaction the user initiated or that moved money of their wallets; NOT_FOUND otherwise."""
    key = normalize_uuid(transaction_id)
    row = None
    if key is not None:
        row = await sandbox.db.read(lambda conn: visible_transaction_in(conn, key, user_id))
    if row is None:
        raise NivoError("NOT_FOUND", "Transaction not found")
    return row


async def set_category(sandbox: Sandbox, transaction_id: str, user_id: int, given: str) -> sqlite3.Row:
    """The transaction with its category set (one of the fixed list); returns the updated row."""
    row = await visible_transaction(sandbox, transaction_id, user_id)
    category = given.strip().lower()
    names = [r["name"] for r in await sandbox.db.read(category_names_in)]
    if category not in names:
        raise NivoError("VALIDATION_ERROR", f"Invalid category {given!r}; allowed: {', '.join(names)}")
    found_id = row["id"]
    updated: sqlite3.Row = await sandbox.db.write(lambda conn: set_category_in(conn, found_id, category))
    return updated


async def categories(sandbox: Sandbox) -> list[sqlite3.Row]:
    """(name, label) of the fixed category list, in its order."""
    rows: list[sqlite3.Row] = await sandbox.db.read(categories_in)
    return rows
