"""Nivo transaction service at the gateway: /api/v1/transaction/... (Flows 3, 4, 5, 6 and 9 categories)."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from litestar import Request, Response, Router, get, patch, post
from litestar.di import Provide

from app.core.errors import InsufficientFunds
from app.core.money import normalize_currency, parse_amount
from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.auth import NivoCaller, provide_caller
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
from app.registry import SandboxDep
from app.runtime import Sandbox

HIGH_VALUE_INR_MINOR = 50_000_00  # transfers above 50,000 INR need User-Admin verification
MAX_DESCRIPTION = 255


def _idempotency_key(request: Request[Any, Any, Any], operation: str, user_id: int) -> str:
    """Idempotency-Key header, else one generated per request (Nivo's transaction service does that)."""
    given = (request.headers.get("idempotency-key") or "").strip()
    if len(given) > 200:
        raise NivoError("VALIDATION_ERROR", "Idempotency-Key must be at most 200 characters")
    return f"nivo:{operation}:{user_id}:{given or uuid.uuid4()}"


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
    sandbox: Sandbox, caller: NivoCaller, data: s.DepositRequest | s.WithdrawalRequest
) -> tuple[NivoWallet, int, str]:
    """A deposit's or withdrawal's wallet (owned, active), amount in minor units and description."""
    w = await wallet_of(sandbox, data.wallet_id, caller.user.id)
    _check_currency(data.currency, w)
    amount = parse_amount(data.amount, w.currency)
    description = _description(data.description)
    require_active(w)
    return w, amount, description


def _created(row: sqlite3.Row) -> Response[s.TransactionEnvelope]:
    return Response(s.TransactionEnvelope(success=True, data=render.transaction(row)), status_code=201)


@post(
    "/transactions/deposit",
    status_code=201,
    summary="Deposit into a wallet",
    operation_id="nivoDeposit",
)
async def deposit(
    data: s.DepositRequest, request: Request[Any, Any, Any], caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.TransactionEnvelope]:
    w, amount, description = await _single_wallet_movement(sandbox, caller, data)
    spec = TxSpec("deposit", caller.user.id, amount, w.currency, None, w, description)
    row = await post_movement(sandbox, spec, _idempotency_key(request, "deposit", caller.user.id))
    return _created(row)


@post(
    "/transactions/withdrawal",
    status_code=201,
    summary="Withdraw from a wallet",
    operation_id="nivoWithdrawal",
)
async def withdrawal(
    data: s.WithdrawalRequest, request: Request[Any, Any, Any], caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.TransactionEnvelope]:
    w, amount, description = await _single_wallet_movement(sandbox, caller, data)
    spec = TxSpec("withdrawal", caller.user.id, amount, w.currency, w, None, description)
    try:
        row = await post_movement(sandbox, spec, _idempotency_key(request, "withdrawal", caller.user.id))
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", "Wallet balance insufficient for withdrawal") from None
    return _created(row)


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


@post(
    "/transactions/transfer",
    status_code=201,
    summary="Transfer between wallets (above 50,000 INR: verification)",
    operation_id="nivoTransfer",
    responses=s.VERIFYING_RESPONSES,
)
async def transfer(
    data: s.TransferRequest, request: Request[Any, Any, Any], caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.TransactionEnvelope | s.VerificationRequiredEnvelope]:
    keys = normalize_uuid(data.from_wallet_id), normalize_uuid(data.to_wallet_id)
    idempotency_key = _idempotency_key(request, "transfer", caller.user.id)
    message = "Insufficient balance in source wallet"
    tx_id = str(uuid.uuid4())

    def run(conn: sqlite3.Connection) -> sqlite3.Row:
        # The wallets are read, checked and debited in one write job: no read hop, and no window
        # in which a wallet frozen after the check is still debited.
        source, target = get_wallets_in(conn, *keys)
        spec = _transfer_spec(source, target, data, caller.user.id)
        if spec.currency == "INR" and spec.amount > HIGH_VALUE_INR_MINOR:
            raise _NeedsVerification(spec)
        # The ledger checks the balance atomically with the debit; no separate read needed.
        return post_movement_in(conn, sandbox.clock.time(), spec, idempotency_key, tx_id=tx_id)

    try:
        return _created(await sandbox.db.write(run))
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", message) from None
    except _NeedsVerification as high_value:
        spec = high_value.spec
    assert spec.from_wallet is not None and spec.to_wallet is not None
    source, target, amount = spec.from_wallet, spec.to_wallet, spec.amount
    params = {"from": source.id, "to": target.id, "amount": amount, "currency": source.currency}
    if not data.verification_token:
        await _precheck_balance(sandbox, source, amount, message)
        out = await ver.start(sandbox, caller.user.id, ver.HIGH_VALUE_TRANSFER, params)
        return Response(s.VerificationRequiredEnvelope(success=True, data=out), status_code=202)
    grant = await ver.check_token(
        sandbox, caller.user.id, ver.HIGH_VALUE_TRANSFER, params, data.verification_token, allow_used=True
    )
    key = f"nivo:transfer:verification:{grant.id}"
    if grant.used:  # a retry of the completed transfer: the same transaction again
        journal = await sandbox.ledger.journal_by_key(key)
        replay = await sandbox.db.read(lambda conn: transaction_by_journal_in(conn, journal.id)) if journal else None
        if replay is None:
            raise NivoError("FORBIDDEN", "Verification token has already been used")
        return _created(replay)
    now = sandbox.clock.time()
    try:
        row = await post_movement(sandbox, spec, key, extra_in=lambda conn, _tx: ver.mark_used_in(conn, grant, now))
    except InsufficientFunds:
        raise NivoError("INSUFFICIENT_FUNDS", message) from None
    await ver.retire_core_token(sandbox, grant)
    return _created(row)


# -- transactions and categories (Flow 9) ------------------------------------------------------
async def _visible_transaction(sandbox: Sandbox, transaction_id: str, user_id: int) -> sqlite3.Row:
    key = normalize_uuid(transaction_id)
    row = None
    if key is not None:
        row = await sandbox.db.read(lambda conn: visible_transaction_in(conn, key, user_id))
    if row is None:
        raise NivoError("NOT_FOUND", "Transaction not found")
    return row


@get(
    "/transactions/{id:str}",
    summary="Get a transaction",
    operation_id="nivoGetTransaction",
)
async def get_transaction(id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.TransactionEnvelope:
    row = await _visible_transaction(sandbox, id, caller.user.id)
    return s.TransactionEnvelope(success=True, data=render.transaction(row))


@patch(
    "/transactions/{id:str}/category",
    status_code=200,
    summary="Set a transaction's spending category",
    operation_id="nivoSetCategory",
)
async def set_category(
    id: str, data: s.CategoryRequest, caller: NivoCaller, sandbox: SandboxDep
) -> s.TransactionEnvelope:
    row = await _visible_transaction(sandbox, id, caller.user.id)
    category = data.category.strip().lower()
    names = [r["name"] for r in await sandbox.db.read(category_names_in)]
    if category not in names:
        raise NivoError("VALIDATION_ERROR", f"Invalid category {data.category!r}; allowed: {', '.join(names)}")

    transaction_id = row["id"]
    updated = await sandbox.db.write(lambda conn: set_category_in(conn, transaction_id, category))
    return s.TransactionEnvelope(success=True, data=render.transaction(updated))


@get(
    "/categories",
    summary="The fixed list of spending categories",
    operation_id="nivoCategories",
)
async def categories(caller: NivoCaller, sandbox: SandboxDep) -> s.CategoriesEnvelope:
    rows = await sandbox.db.read(categories_in)
    items = [s.CategoryOut(name=r["name"], label=r["label"]) for r in rows]
    return s.CategoriesEnvelope(success=True, data=s.CategoriesOut(categories=items))


transaction_router = Router(
    path="/api/v1/transaction",
    route_handlers=[deposit, withdrawal, transfer, get_transaction, set_category, categories],
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: transaction"],
)
