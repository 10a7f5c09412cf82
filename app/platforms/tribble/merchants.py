"""Merchants: register (KYC PENDING), profile, settlement settings. Money sits in ledger accounts
``owner_type="merchant"``, ``owner_id`` = the merchant's sequence number, one per currency."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from litestar import get, post

from app.core.identity.models import Principal
from app.core.ledger.models import Account
from app.core.money import parse_amount
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import amount, mask_account, new_id, ts
from app.platforms.tribble.schemas.merchants import (
    MerchantBankAccount,
    MerchantMetrics,
    MerchantOut,
    MerchantRegisteredOut,
    MerchantRegisterIn,
    SettlementSettings,
    SettlementUpdatedOut,
)
from app.registry import SandboxDep
from app.runtime import Sandbox

ENTITY_TYPES = ("sole_proprietor", "partnership", "limited_company", "public_company", "non_profit", "individual")
DEFAULT_SETTLEMENT = {"frequency": "daily", "minimumAmount": 100000, "settlementFeePercent": 0.5, "holdPeriodDays": 1}
FREQUENCIES = ("daily", "weekly", "monthly")


async def get_merchant(sandbox: Sandbox, merchant_id: str) -> Any:
    row = sandbox.db.lookup("SELECT * FROM tribble_merchants WHERE id = ?", (merchant_id,))
    if row is None:
        raise TribbleError("NOT_FOUND", "Merchant not found", {"merchantId": merchant_id})
    return row


async def merchant_account(sandbox: Sandbox, merchant: Any, currency: str) -> Account:
    return await sandbox.ledger.open_account(
        "merchant", int(merchant["seq"]), currency, label=merchant["business_name"]
    )


def ensure_merchant_access(caller: Principal, merchant: Any) -> None:
    if int(merchant["owner_user_id"]) != caller.user.id and not caller.user.is_admin:
        raise TribbleError("FORBIDDEN", "Insufficient permissions", {"merchantId": merchant["id"]})


def settlement_of(merchant: Any) -> SettlementSettings:
    data = {**DEFAULT_SETTLEMENT, **json.loads(merchant["settlement"] or "{}")}
    return SettlementSettings(
        frequency=str(data["frequency"]),
        minimum_amount=amount(int(data["minimumAmount"]), "NGN"),
        settlement_fee_percent=float(data["settlementFeePercent"]),
        hold_period_days=int(data["holdPeriodDays"]),
    )


@post("/merchants/register", status_code=201, summary="Register as a merchant", tags=["tribble: merchants"])
async def register_merchant(caller: Principal, sandbox: SandboxDep, data: MerchantRegisterIn) -> MerchantRegisteredOut:
    name = data.business_name.strip()
    if not name:
        raise invalid("businessName", "businessName is required")
    if data.entity_type not in ENTITY_TYPES:
        raise invalid("entityType", f"entityType must be one of: {', '.join(ENTITY_TYPES)}")
    if not re.match(r"^[0-9A-Za-z-]{6,20}$", data.tax_id or ""):
        raise invalid("taxId", "taxId must be 6-20 letters, digits or dashes")
    bank = data.bank_account
    if bank is not None and not re.match(r"^\d{6,20}$", bank.account_number):
        raise invalid("bankAccount.accountNumber", "accountNumber must be 6-20 digits")
    now = sandbox.clock.time()
    merchant_id = new_id("merchant")
    risk = "low" if data.entity_type in ("limited_company", "public_company") else "medium"

    def run(conn: sqlite3.Connection) -> None:
        seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM tribble_merchants").fetchone()[0])
        conn.execute(
            "INSERT INTO tribble_merchants (id, seq, owner_user_id, business_name, entity_type, tax_id, industry,"
            " kyc_status, risk_level, bank_account_id, bank_code, bank_account_masked, bank_account_holder,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)",
            (
                merchant_id,
                seq,
                caller.user.id,
                name,
                data.entity_type,
                data.tax_id,
                data.industry,
                risk,
                new_id("bank") if bank else None,
                bank.bank_code if bank else None,
                mask_account(bank.account_number) if bank else None,
                bank.account_holder if bank else None,
                now,
            ),
        )

    await sandbox.db.write(run)
    await sandbox.identity.add_role(caller.user.id, "merchant")
    return MerchantRegisteredOut(
        merchant_id=merchant_id,
        business_name=name,
        kyc_status="PENDING",
        risk_level=risk,
        message="Merchant account created. Please complete KYC verification.",
        created_at=ts(now) or "",
    )


async def merchant_metrics(sandbox: Sandbox, merchant_id: str) -> MerchantMetrics:
    row = await sandbox.db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS volume, MAX(currency) AS currency"
        " FROM tribble_transactions WHERE merchant_id = ? AND status = 'SUCCESS'",
        (merchant_id,),
    )
    count = int(row["n"]) if row else 0
    volume = int(row["volume"]) if row else 0
    currency = (row["currency"] if row else None) or "NGN"
    disputes = 0
    chargebacks = 0
    try:
        drow = await sandbox.db.fetchone(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN resolution = 'APPROVED' THEN 1 ELSE 0 END), 0) AS cb"
            " FROM tribble_disputes WHERE merchant_id = ?",
            (merchant_id,),
        )
        disputes, chargebacks = (int(drow["n"]), int(drow["cb"])) if drow else (0, 0)
    except sqlite3.OperationalError:  # disputes table not present yet
        pass
    return MerchantMetrics(
        total_transactions=count,
        total_volume=amount(volume, currency),
        chargeback_rate=round(100.0 * chargebacks / count, 2) if count else 0.0,
        dispute_rate=round(100.0 * disputes / count, 2) if count else 0.0,
    )


@get("/merchants/{merchantId:str}", summary="Merchant profile", tags=["tribble: merchants"])
async def get_merchant_route(caller: Principal, sandbox: SandboxDep, merchantId: str) -> MerchantOut:
    merchant = await get_merchant(sandbox, merchantId)
    ensure_merchant_access(caller, merchant)
    banks = []
    if merchant["bank_account_id"]:
        banks.append(
            MerchantBankAccount(
                account_id=merchant["bank_account_id"],
                bank_code=merchant["bank_code"] or "",
                account_number=merchant["bank_account_masked"] or "",
                account_holder=merchant["bank_account_holder"] or "",
                is_verified=merchant["kyc_status"] == "APPROVED",
            )
        )
    return MerchantOut(
        merchant_id=merchant["id"],
        business_name=merchant["business_name"],
        entity_type=merchant["entity_type"],
        tax_id=merchant["tax_id"],
        industry=merchant["industry"],
        kyc_status=merchant["kyc_status"],
        risk_level=merchant["risk_level"],
        bank_accounts=banks,
        settlement_settings=settlement_of(merchant),
        metrics=await merchant_metrics(sandbox, merchant["id"]),
    )


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
    merchant = await get_merchant(sandbox, merchantId)
    ensure_merchant_access(caller, merchant)
    if data.frequency not in FREQUENCIES:
        raise invalid("frequency", "frequency must be daily, weekly or monthly")
    if not 0 <= data.settlement_fee_percent <= 10:
        raise invalid("settlementFeePercent", "settlementFeePercent must be between 0 and 10")
    if not 0 <= data.hold_period_days <= 30:
        raise invalid("holdPeriodDays", "holdPeriodDays must be between 0 and 30")
    try:
        minimum = parse_amount(data.minimum_amount, "NGN", positive=False)
    except Exception:
        raise invalid("minimumAmount", "minimumAmount must be a non-negative amount") from None
    if minimum < 0:
        raise invalid("minimumAmount", "minimumAmount must be a non-negative amount")
    stored = {
        "frequency": data.frequency,
        "minimumAmount": minimum,
        "settlementFeePercent": data.settlement_fee_percent,
        "holdPeriodDays": data.hold_period_days,
    }
    await sandbox.db.execute(
        "UPDATE tribble_merchants SET settlement = ? WHERE id = ?", (json.dumps(stored), merchant["id"])
    )
    merchant = await get_merchant(sandbox, merchantId)
    if merchant["kyc_status"] == "APPROVED":
        from app.platforms.tribble import settlements  # settlements imports this module

        await settlements.schedule(sandbox, merchant)
    return SettlementUpdatedOut(
        merchant_id=merchant["id"],
        settlement_settings=settlement_of(merchant),
        message="Settlement settings updated successfully",
    )


ROUTES = [register_merchant, get_merchant_route, configure_settlement]
