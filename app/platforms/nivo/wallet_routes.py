"""Nivo wallet service at the gateway: /api/v1/wallet/... (Flows 2, 6 beneficiaries and 7)."""

from __future__ import annotations

from litestar import Response, Router, delete, get, post
from litestar.di import Provide

from app.core.money import exponent, parse_amount
from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.auth import NivoCaller, provide_caller
from app.platforms.nivo.beneficiaries import add_beneficiary as add_beneficiary_row
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.identity_routes import PHONE_RE
from app.platforms.nivo.store.beneficiaries import beneficiaries_of_in, delete_beneficiary_in, has_beneficiary_in
from app.platforms.nivo.store.upi import upi_deposit_in
from app.platforms.nivo.upi import MAX_UPI_AMOUNT_MAJOR, start_upi_deposit, validate_upi_id
from app.platforms.nivo.wallets import (
    NivoWallet,
    create_wallet,
    move_status,
    normalize_uuid,
    require_active,
    wallet_of,
    wallets_of,
)
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


# -- UPI deposits (Flow 7) ---------------------------------------------------------------------
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
    upi_id = validate_upi_id(sandbox, data.upi_id)
    amount = parse_amount(data.amount, w.currency)
    if w.currency != "INR":
        raise NivoError("BAD_REQUEST", "UPI deposits are only available for INR wallets")
    if amount > MAX_UPI_AMOUNT_MAJOR * 10 ** exponent(w.currency):
        raise NivoError("LIMIT_EXCEEDED", f"UPI deposits are limited to {MAX_UPI_AMOUNT_MAJOR} INR per transaction")
    require_active(w)
    row, plan = await start_upi_deposit(sandbox, w, amount, upi_id)
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
    row = await sandbox.db.read(lambda conn: upi_deposit_in(conn, deposit_id))
    if row is None or row["wallet_id"] != w.id:
        raise NivoError("NOT_FOUND", "UPI deposit not found")
    return s.UpiDepositEnvelope(success=True, data=render.upi_deposit(row))


# -- beneficiaries (Flow 6: adding one needs User-Admin verification) ---------------------------
@post(
    "/beneficiaries",
    status_code=201,
    summary="Add a beneficiary (User-Admin verification)",
    operation_id="nivoAddBeneficiary",
    responses=s.VERIFYING_RESPONSES,
)
async def add_beneficiary(
    data: s.BeneficiaryRequest, caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.VerificationRequiredEnvelope | s.BeneficiaryEnvelope]:
    phone = data.phone.strip()
    nickname = " ".join(data.nickname.split())
    if not PHONE_RE.match(phone):
        raise NivoError("VALIDATION_ERROR", "Invalid phone format: must be +91XXXXXXXXXX")
    if not 1 <= len(nickname) <= 100:
        raise NivoError("VALIDATION_ERROR", "nickname must be 1-100 characters long")
    target = await sandbox.identity.by_phone(phone)
    if target is None or target.status == "deleted":
        raise NivoError("NOT_FOUND", "No Nivo user is registered with this phone number")
    if target.id == caller.user.id:
        raise NivoError("BAD_REQUEST", "You cannot add yourself as a beneficiary")
    if await sandbox.db.read(lambda conn: has_beneficiary_in(conn, caller.user.id, target.id)):
        raise NivoError("CONFLICT", "Beneficiary already exists")
    params = {"phone": phone, "nickname": nickname}
    if not data.verification_token:
        out = await ver.start(sandbox, caller.user.id, ver.BENEFICIARY_ADD, params)
        return Response(s.VerificationRequiredEnvelope(success=True, data=out), status_code=202)
    grant = await ver.check_token(sandbox, caller.user.id, ver.BENEFICIARY_ADD, params, data.verification_token)
    row = await add_beneficiary_row(
        sandbox, caller.user.id, target, nickname, phone, also=lambda conn, now: ver.mark_used_in(conn, grant, now)
    )
    await ver.retire_core_token(sandbox, grant)
    return Response(s.BeneficiaryEnvelope(success=True, data=render.beneficiary(row)), status_code=201)


@get("/beneficiaries", summary="List beneficiaries", operation_id="nivoListBeneficiaries")
async def list_beneficiaries(caller: NivoCaller, sandbox: SandboxDep) -> s.BeneficiaryListEnvelope:
    rows = await sandbox.db.read(lambda conn: beneficiaries_of_in(conn, caller.user.id))
    return s.BeneficiaryListEnvelope(success=True, data=[render.beneficiary(r) for r in rows])


@delete(
    "/beneficiaries/{beneficiary_id:str}",
    status_code=200,
    summary="Delete a beneficiary",
    operation_id="nivoDeleteBeneficiary",
)
async def delete_beneficiary(beneficiary_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.MessageEnvelope:
    key = normalize_uuid(beneficiary_id) or beneficiary_id
    deleted = await sandbox.db.write(lambda conn: delete_beneficiary_in(conn, key, caller.user.id))
    if deleted != 1:
        raise NivoError("NOT_FOUND", "Beneficiary not found")
    return s.MessageEnvelope(success=True, data=s.MessageOut(message="Beneficiary deleted"))


wallet_router = Router(
    path="/api/v1/wallet",
    route_handlers=[
        create,
        list_wallets,
        get_wallet,
        balance,
        activate,
        freeze,
        unfreeze,
        upi_deposit,
        upi_deposit_status,
        add_beneficiary,
        list_beneficiaries,
        delete_beneficiary,
    ],
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: wallet"],
)
