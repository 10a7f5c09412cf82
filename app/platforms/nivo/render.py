"""Core objects and Nivo rows -> Nivo's field names: UUID ids, decimal-string amounts, ISO times."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.clock import iso
from app.core.money import exponent, format_amount
from app.platforms.nivo import schemas as s


def amount_str(minor: int, currency: str) -> str:
    """Wallet and transaction amounts: decimal strings ("5000.00")."""
    return format_amount(minor, currency)


def amount_number(minor: int, currency: str) -> int | float:
    """UPI, card-limit and summary amounts: JSON numbers in major units (5000, 12.5)."""
    scale = 10 ** exponent(currency)
    if minor % scale == 0:
        return minor // scale
    return minor / scale


def user(u: Any) -> s.UserOut:
    return s.UserOut(
        id=u.uuid,
        email=u.email,
        phone=u.phone,
        full_name=u.full_name,
        status=u.status,
        created_at=iso(u.created_at),
        kyc=s.KycOut(status=u.kyc_status),
    )


def login_user(u: Any) -> s.LoginUserOut:
    return s.LoginUserOut(id=u.uuid, email=u.email, status=u.status, full_name=u.full_name)


def wallet(row: sqlite3.Row | dict[str, Any], owner_uuid: str, balance: int) -> s.WalletOut:
    return s.WalletOut(
        id=row["id"],
        user_id=owner_uuid,
        currency=row["currency"],
        balance=amount_str(balance, row["currency"]),
        status=row["status"],
        created_at=iso(row["created_at"]),
    )


def transaction(row: sqlite3.Row | dict[str, Any]) -> s.TransactionOut:
    return s.TransactionOut(
        id=row["id"],
        type=row["type"],
        amount=amount_str(row["amount"], row["currency"]),
        currency=row["currency"],
        status=row["status"],
        created_at=iso(row["created_at"]),
        from_wallet_id=row["from_wallet_id"],
        to_wallet_id=row["to_wallet_id"],
        description=row["description"] or None,
        category=row["category"],
    )


def card(row: sqlite3.Row | dict[str, Any], currency: str) -> s.CardOut:
    return s.CardOut(
        id=row["id"],
        wallet_id=row["wallet_id"],
        card_number_masked=row["card_number_masked"],
        card_holder_name=row["card_holder_name"],
        expiry_month=row["expiry_month"],
        expiry_year=row["expiry_year"],
        status=row["status"],
        daily_limit=amount_number(row["daily_limit"], currency),
        monthly_limit=amount_number(row["monthly_limit"], currency),
        created_at=iso(row["created_at"]),
    )


UPI_PENDING_MESSAGE = "Simulating UPI payment - will complete in 3-10 seconds"


def upi_deposit(row: sqlite3.Row | dict[str, Any]) -> s.UpiDepositOut:
    status = row["status"]
    message = {
        "pending": UPI_PENDING_MESSAGE,
        "completed": "UPI payment received; wallet credited",
        "failed": "UPI payment failed",
    }[status]
    return s.UpiDepositOut(
        deposit_id=row["id"],
        wallet_id=row["wallet_id"],
        amount=amount_number(row["amount"], row["currency"]),
        currency=row["currency"],
        upi_id=row["upi_id"],
        status=status,
        message=message,
        created_at=iso(row["created_at"]),
        transaction_id=row["transaction_id"],
        failure_reason=row["failure_reason"],
    )


def beneficiary(row: sqlite3.Row | dict[str, Any]) -> s.BeneficiaryOut:
    return s.BeneficiaryOut(
        id=row["id"],
        nickname=row["nickname"],
        phone=row["phone"],
        wallet_id=row["wallet_id"],
        created_at=iso(row["created_at"]),
    )
