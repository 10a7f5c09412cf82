"""Nivo wallets at the gateway: /api/v1/wallet/wallets... (Flow 2): create, list, get, balance, status moves."""

from __future__ import annotations

from litestar import get, post

from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.platforms.nivo.wallets import NivoWallet, create_wallet, move_status, wallet_of, wallets_of
from app.registry import SandboxDep
from app.runtime import Sandbox


async def _wallet_out(sandbox: Sandbox, w: NivoWallet, owner_uuid: str) -> s.WalletOut:
    account = await sandbox.ledger.balance(w.account_id)
    return render.wallet(w.as_row(), owner_uuid, account.balance)


@post(
    "/wallets",
    status_code=201,
    summary="Create a wallet (starts pending)",
    operation_id="nivoCreateWallet",
)
async def create(data: s.CreateWalletRequest, caller: NivoCaller, sandbox: SandboxDep) -> s.WalletEnvelope:
    w = await create_wallet(sandbox, caller.user.id, data.currency)
    return s.WalletEnvelope(success=True, data=await _wallet_out(sandbox, w, caller.user.uuid))


@get("/wallets", summary="List the caller's wallets", operation_id="nivoListWallets")
async def list_wallets(caller: NivoCaller, sandbox: SandboxDep) -> s.WalletListEnvelope:
    items = [await _wallet_out(sandbox, w, caller.user.uuid) for w in await wallets_of(sandbox, caller.user.id)]
    return s.WalletListEnvelope(success=True, data=items)


@get("/wallets/{wallet_id:str}", summary="Get a wallet", operation_id="nivoGetWallet")
async def get_wallet(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.WalletEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    return s.WalletEnvelope(success=True, data=await _wallet_out(sandbox, w, caller.user.uuid))


@get(
    "/wallets/{wallet_id:str}/balance",
    summary="Wallet balance",
    operation_id="nivoWalletBalance",
)
async def balance(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.BalanceEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    account = await sandbox.ledger.balance(w.account_id)
    return s.BalanceEnvelope(
        success=True,
        data=s.BalanceOut(
            wallet_id=w.id,
            balance=render.amount_str(account.balance, w.currency),
            available_balance=render.amount_str(account.available, w.currency),
            currency=w.currency,
        ),
    )


async def _move(sandbox: Sandbox, caller: NivoCaller, wallet_id: str, action: str) -> s.WalletStatusEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    moved = await move_status(sandbox, w, action)
    return s.WalletStatusEnvelope(success=True, data=s.WalletStatusOut(id=moved.id, status=moved.status))


@post(
    "/wallets/{wallet_id:str}/activate",
    status_code=200,
    summary="Activate a pending wallet",
    operation_id="nivoActivateWallet",
)
async def activate(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.WalletStatusEnvelope:
    return await _move(sandbox, caller, wallet_id, "activate")


@post(
    "/wallets/{wallet_id:str}/freeze",
    status_code=200,
    summary="Freeze an active wallet",
    operation_id="nivoFreezeWallet",
)
async def freeze(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.WalletStatusEnvelope:
    return await _move(sandbox, caller, wallet_id, "freeze")


@post(
    "/wallets/{wallet_id:str}/unfreeze",
    status_code=200,
    summary="Unfreeze a frozen wallet",
    operation_id="nivoUnfreezeWallet",
)
async def unfreeze(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.WalletStatusEnvelope:
    return await _move(sandbox, caller, wallet_id, "unfreeze")


HANDLERS = [create, list_wallets, get_wallet, balance, activate, freeze, unfreeze]
