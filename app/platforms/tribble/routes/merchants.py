"""Merchant routes: register, profile, settlement settings (the rules are in merchants.py)."""

from __future__ import annotations

from litestar import get, post

from app.core.identity.models import Principal
from app.platforms.tribble import merchants, settlements
from app.platforms.tribble.render import ts
from app.platforms.tribble.schemas.merchants import (
    MerchantOut,
    MerchantRegisteredOut,
    MerchantRegisterIn,
    SettlementSettings,
    SettlementUpdatedOut,
)
from app.registry import SandboxDep


@post("/merchants/register", status_code=201, summary="Register as a merchant", tags=["tribble: merchants"])
async def register_merchant(caller: Principal, sandbox: SandboxDep, data: MerchantRegisterIn) -> MerchantRegisteredOut:
    merchant_id, name, risk, now = await merchants.register(sandbox, caller.user.id, data)
    return MerchantRegisteredOut(
        merchant_id=merchant_id,
        business_name=name,
        kyc_status="PENDING",
        risk_level=risk,
        message="Merchant account created. Please complete KYC verification.",
        created_at=ts(now) or "",
    )


@get("/merchants/{merchantId:str}", summary="Merchant profile", tags=["tribble: merchants"])
async def get_merchant_route(caller: Principal, sandbox: SandboxDep, merchantId: str) -> MerchantOut:
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    return await merchants.profile(sandbox, merchant)


@post(
    "/merchants/{merchantId:str}/settlement",
    status_code=200,
    summary="Configure settlement settings",
    tags=["tribble: merchants"],
)
async def configure_settlement(
    caller: Principal,
    sandbox: SandboxDep,
    merchantId: str,
    data: SettlementSettings,
) -> SettlementUpdatedOut:
    merchant = await merchants.get_merchant(sandbox, merchantId)
    merchants.ensure_merchant_access(caller, merchant)
    await merchants.update_settlement(sandbox, merchant, data)
    merchant = await merchants.get_merchant(sandbox, merchantId)
    if merchant["kyc_status"] == "APPROVED":
        await settlements.schedule(sandbox, merchant)
    return SettlementUpdatedOut(
        merchant_id=merchant["id"],
        settlement_settings=merchants.settlement_of(merchant),
        message="Settlement settings updated successfully",
    )


ROUTES = [register_merchant, get_merchant_route, configure_settlement]
