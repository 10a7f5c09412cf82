"""Core values and rows -> Drop's contract shapes: ids, JSON-number amounts, ISO times, masked numbers, and
the bodies of transactions, recipients, cards, merchants, notifications, consents, complaints and the export."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from app.core.clock import iso
from app.core.money import to_float
from app.platforms.drop.corridors import COUNTRIES, eta_for
from app.platforms.drop.schemas import (
    DropCard,
    DropCardLimit,
    DropComplaint,
    DropConsent,
    DropMerchant,
    DropMerchantTransaction,
    DropNotification,
    DropQrPaymentDetail,
    DropReceipt,
    DropReceiptParty,
    DropRecipient,
    DropRemittanceDetail,
    DropSettings,
    DropTransactionItem,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.core.identity.models import User
    from simulators.banks import BankAccount


def new_id(prefix: str) -> str:
    """Drop ids: ``<prefix>_<16 hex>`` (e.g. ``tx_rem_...``, ``noti_...``, ``cmp_...``)."""
    return f"{prefix}_{secrets.token_hex(8)}"


def amount(minor: int, currency: str) -> float:
    return to_float(minor, currency)


def when(ts: float | None) -> str | None:
    return None if ts is None else iso(ts)


def rate(value: Decimal | str) -> float:
    return float(Decimal(value))


def percent(fee_rate: Decimal) -> float:
    """0.005 -> 0.5 (``feePercent``)."""
    return float(fee_rate * 100)


def mask_account(number: str) -> str:
    """``*****5678``: five stars and the last four characters (digits and letters only)."""
    plain = "".join(ch for ch in number if ch.isalnum())
    return "*****" + plain[-4:]


def mask_card(last4: str) -> str:
    return f"---- ---- ---- {last4}"


def anonymise(first_name: str, last_name: str) -> str:
    """Customer names on a merchant's list: first name + last initial (``Jane D.``)."""
    initial = last_name.strip()[:1]
    return f"{first_name.strip()} {initial}." if initial else first_name.strip()


# -- transactions (rows of drop_transactions) ----------------------------------------------------


def tx_item(row: Mapping[str, Any]) -> DropTransactionItem:
    """List form: amounts negated (always shown as outgoing)."""
    cur = row["currency"]
    return DropTransactionItem(
        id=row["id"],
        type=row["type"],
        status=row["status"],
        amount=-amount(row["amount"], cur),
        currency=cur,
        created_at=iso(row["created_at"]),
        updated_at=iso(row["updated_at"]),
        recipient_name=row["recipient_name"],
        merchant_name=row["merchant_name"],
    )


def tx_detail(row: Mapping[str, Any]) -> DropRemittanceDetail | DropQrPaymentDetail:
    cur = row["currency"]
    if row["type"] == "remittance":
        return DropRemittanceDetail(
            id=row["id"],
            type="remittance",
            status=row["status"],
            send_amount=amount(row["amount"], cur),
            send_currency=cur,
            receive_amount=amount(row["receive_amount"], row["receive_currency"]),
            receive_currency=row["receive_currency"],
            exchange_rate=rate(row["exchange_rate"]),
            fee=amount(row["fee"], cur),
            total=amount(row["amount"] + row["fee"], cur),
            recipient_name=row["recipient_name"],
            recipient_country=country_name(row["recipient_country"]),
            created_at=iso(row["created_at"]),
            completed_at=when(row["completed_at"]),
        )
    return DropQrPaymentDetail(
        id=row["id"],
        type="qr_payment",
        status=row["status"],
        amount=amount(row["amount"], cur),
        currency=cur,
        fee=amount(row["fee"], cur),
        total=amount(row["amount"] + row["fee"], cur),
        merchant_name=row["merchant_name"],
        merchant_id=row["merchant_id"],
        created_at=iso(row["created_at"]),
        completed_at=when(row["completed_at"]),
    )


def receipt(row: Mapping[str, Any]) -> DropReceipt:
    cur = row["currency"]
    remittance = row["type"] == "remittance"
    processing = row["status"] == "processing"
    return DropReceipt(
        transaction_id=row["id"],
        date=iso(row["created_at"]),
        type=row["type"],
        amount=amount(row["amount"], cur),
        currency=cur,
        fee=amount(row["fee"], cur),
        exchange_rate=rate(row["exchange_rate"]) if remittance else None,
        receive_amount=amount(row["receive_amount"], row["receive_currency"]) if remittance else None,
        receive_currency=row["receive_currency"] if remittance else None,
        recipient=DropReceiptParty(row["recipient_name"], row["recipient_country"]) if remittance else None,
        merchant=None if remittance else DropReceiptParty(row["merchant_name"]),
        reference=row["id"],
        status=row["status"],
        estimated_completion=eta_for(row["recipient_country"]) if remittance and processing else None,
        completed_at=when(row["completed_at"]),
    )


def country_name(code: str | None) -> str:
    found = COUNTRIES.get(code or "")
    return found.name if found else (code or "")


# -- recipients, cards, merchants ------------------------------------------------------------------


def recipient(row: Mapping[str, Any]) -> DropRecipient:
    return DropRecipient(
        id=row["id"],
        name=row["name"],
        country=row["country"],
        currency=row["currency"],
        bank_account=mask_account(row["bank_account"]),
        bank_name=row["bank_name"],
        created_at=iso(row["created_at"]),
    )


def card(row: Mapping[str, Any]) -> DropCard:
    return DropCard(
        id=row["id"],
        type=row["type"],
        status=row["status"],
        brand=row["brand"],
        card_number=mask_card(row["last4"]),
        cvv="---",
        last4=row["last4"],
        exp_month=int(row["exp_month"]),
        exp_year=int(row["exp_year"]),
        has_pin=row["pin_hash"] is not None,
        physical_status=row["physical_status"],
        created_at=iso(row["created_at"]),
        updated_at=iso(row["updated_at"]),
    )


def card_limit(row: Mapping[str, Any]) -> DropCardLimit:
    return DropCardLimit(
        row["limit_type"], amount(row["amount"], row["currency"]), row["currency"], iso(row["updated_at"])
    )


def qr_value(merchant_id: str) -> str:
    return f"drop://pay/{merchant_id}"


def merchant(row: Mapping[str, Any]) -> DropMerchant:
    return DropMerchant(
        id=row["id"],
        business_name=row["business_name"],
        org_number=row["org_number"],
        address=row["address"],
        bank_account=mask_account(row["bank_account"]),
        role="merchant",
        qr_value=qr_value(row["id"]),
        created_at=iso(row["created_at"]),
    )


def merchant_transaction(row: Mapping[str, Any]) -> DropMerchantTransaction:
    """A QR payment on the merchant's list (the customer's name anonymised when it was paid)."""
    return DropMerchantTransaction(
        id=row["id"],
        amount=amount(row["amount"], row["currency"]),
        fee=amount(row["fee"], row["currency"]),
        currency=row["currency"],
        customer_name=row["customer_name"] or "",
        status=row["status"],
        created_at=iso(row["created_at"]),
    )


def notification(row: Mapping[str, Any]) -> DropNotification:
    return DropNotification(
        row["id"],
        row["type"],
        row["title"],
        row["message"],
        row["reference"],
        bool(row["is_read"]),
        iso(row["created_at"]),
    )


# -- GDPR: consents, complaints, the data export ---------------------------------------------------


def consent(row: Mapping[str, Any], drop_user_id: str) -> DropConsent:
    return DropConsent(
        id=row["id"],
        user_id=drop_user_id,
        consent_type=row["consent_type"],
        granted=int(row["granted"]),
        granted_at=when(row["granted_at"]),
        withdrawn_at=when(row["withdrawn_at"]),
        ip_address=row["ip_address"],
    )


def complaint(row: Mapping[str, Any]) -> DropComplaint:
    return DropComplaint(
        id=row["id"],
        category=row["category"],
        subject=row["subject"],
        description=row["description"],
        status=row["status"],
        resolution=row["resolution"],
        created_at=iso(row["created_at"]),
        resolved_at=when(row["resolved_at"]),
    )


def export(
    user: User,
    transactions: Sequence[Mapping[str, Any]],
    recipients: Sequence[Mapping[str, Any]],
    accounts: Sequence[BankAccount],
    settings: DropSettings,
    consents: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """``data`` of ``GET /api/user/data-export``: everything Drop holds on the user."""
    return {
        "user": {
            "id": user.drop_id,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "date_of_birth": user.date_of_birth,
            "kyc_status": user.kyc_status,
            "role": user.role,
            "created_at": iso(user.created_at),
        },
        "transactions": [msgspec.to_builtins(tx_detail(r)) for r in transactions],
        "recipients": [
            {
                "id": r["id"],
                "name": r["name"],
                "country": r["country"],
                "currency": r["currency"],
                "bankAccount": r["bank_account"],
                "bankName": r["bank_name"],
                "createdAt": iso(r["created_at"]),
            }
            for r in recipients
        ],
        "bankAccounts": [
            {
                "id": a.public_id,
                "bankName": a.bank_name,
                "accountNumber": a.account_number,
                "balance": amount(a.balance, a.currency),
                "currency": a.currency,
                "isPrimary": a.is_primary,
            }
            for a in accounts
        ],
        "settings": msgspec.to_builtins(settings),
        "consents": [msgspec.to_builtins(consent(c, user.drop_id)) for c in consents],
    }
