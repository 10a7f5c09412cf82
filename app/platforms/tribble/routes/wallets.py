"""Wallet routes: list the caller's wallets, one wallet, fund a wallet from a card."""

from __future__ import annotations

import sqlite3
from typing import Annotated

from litestar import get, post
from litestar.params import HeaderParameter, QueryParameter

from app.core.clock import iso
from app.core.identity.models import Principal
from app.core.json_text import json_text
from app.lean_response import Response
from app.platforms.tribble import payments
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import amount, new_id, wallet_id
from app.platforms.tribble.schemas import FundIn, FundOut, WalletListOut, WalletOut, WalletSummary
from app.platforms.tribble.store import transactions as store
from app.platforms.tribble.wallets import (
    fundable,
    owned_wallet,
    render_wallet,
    start_fund_charge,
    user_wallets,
    wallet_status,
)
from app.registry import SandboxDep


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


@post("/wallets/fund", status_code=201, summary="Fund a wallet from a card", tags=["tribble: wallets"])
async def fund_wallet(
    caller: Principal,
    sandbox: SandboxDep,
    data: FundIn,
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", description="Retry-safe key", required=False)
    ] = None,
) -> Response[FundOut]:
    account, minor, method = await fundable(sandbox, caller, data)
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
    response = json_text(stored)

    def insert(conn: sqlite3.Connection) -> None:
        store.insert_fund(
            conn, txn_id, user_id, account.id, method["id"], minor, fee, account.currency, charge_id, now, key, response
        )

    try:
        await sandbox.db.write(insert)
    except sqlite3.IntegrityError:  # the same key raced in: answer what the first request answered
        return await payments.replay(sandbox, caller.user.id, key, fingerprint)
    headers = await start_fund_charge(sandbox, caller.user.id, txn_id, account, method, minor, fee)
    return Response(body, status_code=201, headers=headers)


ROUTES = [list_wallets, get_wallet, fund_wallet]
