"""Merchants: register (KYC PENDING), profile, settlement settings (the rules; the handlers are in
routes/merchants.py). Money sits in ledger accounts ``owner_type="merchant"``, ``owner_id`` = the
merchant's sequence number, one per currency."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from app.core.identity.models import Principal
from app.core.ledger.models import Account
from app.core.money import parse_amount
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import amount, mask_account, new_id
from app.platforms.tribble.schemas.merchants import (
    MerchantBankAccount,
    MerchantMetrics,
    MerchantOut,
    MerchantRegisterIn,
    SettlementSettings,
)
from app.platforms.tribble.store import merchants as store
from app.runtime import Sandbox

ENTITY_TYPES = ("sole_proprietor", "partnership", "limited_company", "public_company", "non_profit", "individual")
DEFAULT_SETTLEMENT = {"frequency": "daily", "minimumAmount": 100000, "settlementFeePercent": 0.5, "holdPeriodDays": 1}
FREQUENCIES = ("daily", "weekly", "monthly")


async def get_merchant(sandbox: Sandbox, merchant_id: str) -> Any:
    row = store.lookup_merchant(sandbox.db, merchant_id)
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


def check_registration(data: MerchantRegisterIn) -> str:
    """The trimmed business name of a valid registration."""
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
    return name


async def register(sandbox: Sandbox, user_id: int, data: MerchantRegisterIn) -> tuple[str, str, str, float]:
    """A new merchant (KYC PENDING) owned by ``user_id``, who gets the merchant role: (id, name, risk level, now)."""
    name = check_registration(data)
    bank = data.bank_account
    now = sandbox.clock.time()
    merchant_id = new_id("merchant")
    risk = "low" if data.entity_type in ("limited_company", "public_company") else "medium"
    row = (
        merchant_id,
        user_id,
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
    )
    await sandbox.db.write(lambda conn: store.insert_merchant_in(conn, row))
    await sandbox.identity.add_role(user_id, "merchant")
    return merchant_id, name, risk, now


async def merchant_metrics(sandbox: Sandbox, merchant_id: str) -> MerchantMetrics:
    row = await store.payment_totals(sandbox.db, merchant_id)
    count = int(row["n"]) if row else 0
    volume = int(row["volume"]) if row else 0
    currency = (row["currency"] if row else None) or "NGN"
    disputes = 0
    chargebacks = 0
    try:
        drow = await store.dispute_totals(sandbox.db, merchant_id)
        disputes, chargebacks = (int(drow["n"]), int(drow["cb"])) if drow else (0, 0)
    except sqlite3.OperationalError:  # disputes table not present yet
        pass
    return MerchantMetrics(
        total_transactions=count,
        total_volume=amount(volume, currency),
        chargeback_rate=round(100.0 * chargebacks / count, 2) if count else 0.0,
        dispute_rate=round(100.0 * disputes / count, 2) if count else 0.0,
    )


async def profile(sandbox: Sandbox, merchant: Any) -> MerchantOut:
    """The merchant's profile with its bank account, settlement settings and metrics."""
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


async def update_settlement(sandbox: Sandbox, merchant: Any, data: SettlementSettings) -> None:
    """Store valid settlement settings (``minimumAmount`` in minor units)."""
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
    await store.set_settlement(sandbox.db, merchant["id"], json.dumps(stored))
