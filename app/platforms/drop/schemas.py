"""Drop's documented response shapes as msgspec Structs (camelCase unless the contract shows snake_case).

Amounts are JSON numbers in major units (``2000``, ``1.29``); times are ISO-8601 UTC strings.
Names carry a ``Drop`` prefix so they never collide with other platforms' schemas in /schema.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Camel(msgspec.Struct, rename="camel"):
    """Base of Drop's camelCase structs."""


class Data(msgspec.Struct, Generic[T]):
    """Drop's success envelope ``{"data": ...}``."""

    data: T


class DropPagination(Camel):
    page: int
    limit: int
    total: int
    total_pages: int


class Page(msgspec.Struct, Generic[T]):
    """``{"data": [...], "pagination": {...}}``."""

    data: list[T]
    pagination: DropPagination


class DropMessage(Camel):
    message: str


# -- auth ------------------------------------------------------------------------------------


class DropUser(Camel):
    id: str
    email: str
    first_name: str
    last_name: str
    kyc_status: str


class DropRegisteredUser(Camel):
    id: str
    email: str
    first_name: str
    last_name: str
    date_of_birth: str | None
    kyc_status: str
    created_at: str


class DropBankAccount(Camel):
    id: str
    bank_name: str
    account_number: str
    balance: float
    currency: str
    is_primary: bool


class DropMe(Camel):
    id: str
    email: str
    first_name: str
    last_name: str
    total_balance: float
    bank_accounts: list[DropBankAccount]
    kyc_status: str
    created_at: str


class DropSession(Camel):
    user_id: str
    email: str
    role: str


# -- transactions --------------------------------------------------------------------------


class DropTransactionItem(Camel, omit_defaults=True):
    id: str
    type: str
    status: str
    amount: float
    currency: str
    created_at: str
    updated_at: str
    recipient_name: str | None = None
    merchant_name: str | None = None


class DropRemittanceDetail(Camel):
    id: str
    type: str
    status: str
    send_amount: float
    send_currency: str
    receive_amount: float
    receive_currency: str
    exchange_rate: float
    fee: float
    total: float
    recipient_name: str
    recipient_country: str
    created_at: str
    completed_at: str | None


class DropQrPaymentDetail(Camel):
    id: str
    type: str
    status: str
    amount: float
    currency: str
    fee: float
    total: float
    merchant_name: str
    merchant_id: str
    created_at: str
    completed_at: str | None


class DropRemittance(Camel):
    id: str
    type: str
    status: str
    send_amount: float
    send_currency: str
    receive_amount: float
    receive_currency: str
    exchange_rate: float
    fee: float
    fee_percent: float
    total: float
    recipient_name: str
    recipient_country: str
    from_account: str
    eta: str
    created_at: str


class DropQrPayment(Camel):
    id: str
    type: str
    status: str
    amount: float
    currency: str
    fee: float
    fee_percent: float
    merchant_name: str
    merchant_id: str
    from_account: str
    created_at: str


class DropSummaryPeriod(Camel):
    total_count: int
    total_sent: float
    total_paid: float
    remittance_count: int
    qr_payment_count: int


class DropSummary(Camel):
    all_time: DropSummaryPeriod
    this_month: DropSummaryPeriod


class DropDisclosure(Camel):
    """Returned bare (no ``data`` envelope), exactly as the contract shows it."""

    amount: float
    fee: float
    fee_percentage: float
    exchange_rate: float | None
    receive_amount: float
    receive_currency: str
    estimated_delivery: str
    total_cost: float


class DropReceiptParty(Camel):
    name: str
    country: str | None = None


class DropReceipt(Camel):
    transaction_id: str
    date: str
    type: str
    amount: float
    currency: str
    fee: float
    exchange_rate: float | None
    receive_amount: float | None
    receive_currency: str | None
    recipient: DropReceiptParty | None
    merchant: DropReceiptParty | None
    reference: str
    status: str
    estimated_completion: str | None
    completed_at: str | None


# -- recipients ------------------------------------------------------------------------------


class DropRecipient(Camel):
    id: str
    name: str
    country: str
    currency: str
    bank_account: str
    bank_name: str | None
    created_at: str


# -- cards -------------------------------------------------------------------------------------


class DropCard(Camel):
    id: str
    type: str
    status: str
    brand: str
    card_number: str
    cvv: str
    last4: str
    exp_month: int
    exp_year: int
    has_pin: bool
    physical_status: str | None
    created_at: str
    updated_at: str


class DropCardLimit(Camel):
    limit_type: str
    amount: float
    currency: str
    updated_at: str


# -- rates --------------------------------------------------------------------------------------


class DropRates(Camel):
    base_currency: str
    rates: dict[str, float]
    updated_at: str


class DropRate(Camel):
    base_currency: str
    currency: str
    rate: float
    fee: float
    updated_at: str


# -- notifications and settings ------------------------------------------------------------------


class DropNotification(Camel):
    id: str
    type: str
    title: str
    message: str
    reference: str | None
    read: bool
    created_at: str


class DropMarkedRead(Camel):
    updated: int


class DropSettings(Camel):
    currency: str
    language: str
    push_enabled: bool
    email_enabled: bool


# -- merchants -------------------------------------------------------------------------------------


class DropMerchant(Camel):
    id: str
    business_name: str
    org_number: str
    address: str | None
    bank_account: str
    role: str
    qr_value: str
    created_at: str


class DropDashboard(Camel):
    period: str
    currency: str
    revenue: float
    transaction_count: int
    fees: float
    net_revenue: float
    next_payout: float
    payout_time: str


class DropMerchantQr(Camel):
    merchant_id: str
    business_name: str
    qr_value: str
    address: str | None


class DropMerchantTransaction(Camel):
    id: str
    amount: float
    fee: float
    currency: str
    customer_name: str
    status: str
    created_at: str


# -- GDPR (the contract shows these in snake_case) ----------------------------------------------------


class DropExport(msgspec.Struct):
    data: dict[str, Any]
    exportedAt: str


class DropAccountDeleted(msgspec.Struct):
    message: str
    retentionNote: str


class DropConsent(msgspec.Struct):
    id: str
    user_id: str
    consent_type: str
    granted: int
    granted_at: str | None
    withdrawn_at: str | None
    ip_address: str | None


class DropComplaint(msgspec.Struct):
    id: str
    category: str
    subject: str
    description: str
    status: str
    resolution: str | None
    created_at: str
    resolved_at: str | None


class DropComplaintCreated(msgspec.Struct):
    data: DropComplaint
    commitmentNote: str


class DropErrorDetail(msgspec.Struct):
    field: str
    message: str


class DropErrorBody(msgspec.Struct):
    """Drop's error envelope (documents the error responses in /schema)."""

    error: str
    message: str
    details: list[DropErrorDetail]
