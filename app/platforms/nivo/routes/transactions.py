"""Nivo transactions at the gateway: /api/v1/transaction/transactions... and /categories
(Flows 3, 4, 5, 6 and 9 categories)."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request, get, patch, post

from app.lean_response import Response
from app.platforms.nivo import render, transactions
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.registry import SandboxDep


def _created(row: sqlite3.Row) -> Response[s.TransactionEnvelope]:
    return Response(s.TransactionEnvelope(success=True, data=render.transaction(row)), status_code=201)


def _given_key(request: Request[Any, Any, Any]) -> str | None:
    given: str | None = request.headers.get("idempotency-key")
    return given


@post(
    "/transactions/deposit",
    status_code=201,
    summary="Deposit into a wallet",
    operation_id="nivoDeposit",
)
async def deposit(
    data: s.DepositRequest, request: Request[Any, Any, Any], caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.TransactionEnvelope]:
    return _created(await transactions.deposit(sandbox, caller.user.id, data, _given_key(request)))


@post(
    "/transactions/withdrawal",
    status_code=201,
    summary="Withdraw from a wallet",
    operation_id="nivoWithdrawal",
)
async def withdrawal(
    data: s.WithdrawalRequest, request: Request[Any, Any, Any], caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.TransactionEnvelope]:
    return _created(await transactions.withdraw(sandbox, caller.user.id, data, _given_key(request)))


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
    done = await transactions.transfer(sandbox, caller.user.id, data, _given_key(request))
    if isinstance(done, s.VerificationRequiredOut):
        return Response(s.VerificationRequiredEnvelope(success=True, data=done), status_code=202)
    return _created(done)


@get(
    "/transactions/{id:str}",
    summary="Get a transaction",
    operation_id="nivoGetTransaction",
)
async def get_transaction(id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.TransactionEnvelope:
    row = await transactions.visible_transaction(sandbox, id, caller.user.id)
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
    updated = await transactions.set_category(sandbox, id, caller.user.id, data.category)
    return s.TransactionEnvelope(success=True, data=render.transaction(updated))


@get(
    "/categories",
    summary="The fixed list of spending categories",
    operation_id="nivoCategories",
)
async def categories(caller: NivoCaller, sandbox: SandboxDep) -> s.CategoriesEnvelope:
    rows = await transactions.categories(sandbox)
    items = [s.CategoryOut(name=r["name"], label=r["label"]) for r in rows]
    return s.CategoriesEnvelope(success=True, data=s.CategoriesOut(categories=items))


HANDLERS = [deposit, withdrawal, transfer, get_transaction, set_category, categories]
