"""Nivo UPI deposits at the gateway: /api/v1/wallet/wallets/{wallet_id}/deposit/upi... (Flow 7)."""

from __future__ import annotations

from litestar import get, post

from app.lean_response import Response
from app.platforms.nivo import render, upi
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.platforms.nivo.wallets import wallet_of
from app.registry import SandboxDep


@post(
    "/wallets/{wallet_id:str}/deposit/upi",
    status_code=201,
    summary="Start a simulated UPI deposit",
    operation_id="nivoUpiDeposit",
)
async def upi_deposit(
    wallet_id: str, data: s.UpiDepositRequest, caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.UpiDepositEnvelope]:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    row, plan = await upi.deposit_to_wallet(sandbox, w, data.upi_id, data.amount)
    headers = {"X-Sandbox-Explain": plan.explain} if plan.explain else None
    return Response(s.UpiDepositEnvelope(success=True, data=render.upi_deposit(row)), status_code=201, headers=headers)


@get(
    "/wallets/{wallet_id:str}/deposit/upi/{deposit_id:str}",
    summary="Status of a UPI deposit",
    operation_id="nivoUpiDepositStatus",
)
async def upi_deposit_status(
    wallet_id: str, deposit_id: str, caller: NivoCaller, sandbox: SandboxDep
) -> s.UpiDepositEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    row = await upi.deposit_of_wallet(sandbox, w, deposit_id)
    return s.UpiDepositEnvelope(success=True, data=render.upi_deposit(row))


HANDLERS = [upi_deposit, upi_deposit_status]
