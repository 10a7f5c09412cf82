"""Tribble request and response bodies (msgspec Structs, camelCase on the wire).

Amounts are JSON numbers in major units (``10000.00``); inside the sandbox they are integer
minor units (converted in render.py / by ``app.core.money``).
"""

from __future__ import annotations

from typing import Any

import msgspec


class Base(msgspec.Struct, rename="camel", kw_only=True):
    """Base of every Tribble body: camelCase field names."""


Amount = float


# -- shared pieces -------------------------------------------------------------------------
class Pagination(Base):
    total: int
    limit: int
    offset: int
    has_more: bool


class Period(Base):
    start_date: str
    end_date: str


class MessageOut(Base):
    message: str


# -- auth --------------------------------------------------------------------------------------
class RegisterIn(Base):
    email: str
    password: str
    first_name: str
    last_name: str
    phone_number: str | None = None
    date_of_birth: str | None = None
    account_type: str = "individual"


class RegisterOut(Base):
    user_id: str
    email: str
    kyc_status: str
    kyc_tier: int
    created_at: str
    message: str


class LoginIn(Base):
    email: str
    password: str


class LoginUser(Base):
    user_id: str
    email: str
    first_name: str
    kyc_status: str
    kyc_tier: int


class LoginOut(Base):
    access_token: str
    refresh_token: str
    expires_in: int
    user: LoginUser


class RefreshIn(Base):
    refresh_token: str


class RefreshOut(Base):
    access_token: str
    expires_in: int
    refresh_token: str | None = None


class LogoutIn(Base):
    token_id: str | None = None


class KycDocument(Base):
    document_type: str
    status: str
    uploaded_at: str
    verified_at: str | None


class KycLimits(Base):
    daily_limit: Amount
    monthly_limit: Amount
    transactions_per_day: int


class KycStatusOut(Base):
    kyc_status: str
    kyc_tier: int
    submitted_at: str | None
    approved_at: str | None
    documents: list[KycDocument]
    limits: KycLimits


class KycSubmitOut(Base):
    submission_id: str
    status: str
    documents_submitted: int
    estimated_review_time: str
    message: str


# -- users -------------------------------------------------------------------------------------
class ProfileOut(Base):
    user_id: str
    email: str
    first_name: str
    last_name: str
    phone_number: str | None
    date_of_birth: str | None
    account_type: str
    kyc_status: str
    kyc_tier: int
    created_at: str
    last_login: str | None
    account_status: str


class ProfileIn(Base):
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    date_of_birth: str | None = None


class ProfileUpdatedOut(Base):
    user_id: str
    message: str
    updated_at: str


class ChangePasswordIn(Base):
    current_password: str
    new_password: str


# -- wallets -----------------------------------------------------------------------------------
class LastTransaction(Base):
    transaction_id: str
    amount: Amount
    type: str
    timestamp: str


class WalletOut(Base):
    wallet_id: str
    user_id: str
    balance: Amount
    currency: str
    status: str
    created_at: str
    last_transaction: LastTransaction | None
    available_balance: Amount


class WalletSummary(Base):
    wallet_id: str
    currency: str
    balance: Amount
    status: str


class WalletListOut(Base):
    wallets: list[WalletSummary]
    pagination: Pagination


class FundIn(Base):
    wallet_id: str
    amount: Amount
    payment_method_id: str


class FundOut(Base):
    transaction_id: str
    wallet_id: str
    amount: Amount
    status: str
    transaction_fee: Amount
    total_amount: Amount
    new_balance: Amount
    created_at: str


# -- payment methods ---------------------------------------------------------------------------
class PaymentMethodIn(Base):
    type: str
    card_number: str | None = None
    cardholder_name: str | None = None
    expiry_month: int | None = None
    expiry_year: int | None = None
    cvv: str | None = None
    bank_name: str | None = None
    bank_code: str | None = None
    account_number: str | None = None
    account_holder: str | None = None
    is_default: bool = False


class PaymentMethodOut(Base, omit_defaults=True):
    payment_method_id: str
    type: str
    is_default: bool
    is_active: bool
    last4_digits: str | None = None
    cardholder_name: str | None = None
    expiry_month: int | None = None
    expiry_year: int | None = None
    brand: str | None = None
    bank_name: str | None = None
    bank_code: str | None = None
    account_number: str | None = None
    account_holder: str | None = None
    created_at: str | None = None
    message: str | None = None


class PaymentMethodListOut(Base):
    payment_methods: list[PaymentMethodOut]
    pagination: Pagination


class PaymentMethodDeletedOut(Base):
    message: str
    payment_method_id: str


# -- transactions ------------------------------------------------------------------------------
class TransactionIn(Base):
    amount: Amount
    currency: str
    merchant_id: str
    customer_id: str | None = None
    payment_method_id: str | None = None
    description: str = ""
    metadata: dict[str, Any] = {}


class RiskFactor(Base):
    name: str
    weight: float
    score: int
    explanation: str


class FraudScoreBrief(Base):
    score: int
    risk_level: str
    decision: str


class FraudScoreFull(Base):
    score: int
    risk_level: str
    decision: str
    risk_factors: list[RiskFactor]


class TransactionCreatedOut(Base):
    transaction_id: str
    amount: Amount
    currency: str
    status: str
    fraud_score: FraudScoreBrief
    created_at: str
    processor_charge_id: str | None


class PaymentMethodBrief(Base, omit_defaults=True):
    type: str
    last4_digits: str | None = None
    brand: str | None = None
    wallet_id: str | None = None
    bank_name: str | None = None


class ProcessorResponse(Base):
    status: str
    message: str


class ReceiptLink(Base):
    receipt_id: str
    url: str


class TransactionOut(Base):
    transaction_id: str
    type: str
    amount: Amount
    currency: str
    customer_id: str
    merchant_id: str | None
    status: str
    description: str
    metadata: dict[str, Any]
    fraud_score: FraudScoreFull
    payment_method: PaymentMethodBrief
    processor_charge_id: str | None
    processor_response: ProcessorResponse | None
    receipt: ReceiptLink | None
    created_at: str
    completed_at: str | None


class TransactionSummary(Base):
    transaction_id: str
    type: str
    amount: Amount
    currency: str
    merchant_id: str | None
    status: str
    description: str
    created_at: str


class TransactionListOut(Base):
    transactions: list[TransactionSummary]
    pagination: Pagination


# -- refunds -----------------------------------------------------------------------------------
class RefundIn(Base):
    amount: Amount | None = None
    reason: str = "requested_by_customer"
    description: str = ""


class RefundCreatedOut(Base):
    refund_id: str
    transaction_id: str
    amount: Amount
    status: str
    reason: str
    created_at: str
    message: str


class RefundItem(Base):
    refund_id: str
    amount: Amount
    status: str
    reason: str
    created_at: str
    completed_at: str | None


class RefundSummary(Base):
    total_refunded: Amount
    refund_count: int


class RefundListOut(Base):
    transaction_id: str
    refunds: list[RefundItem]
    summary: RefundSummary
    pagination: Pagination


# -- receipts ----------------------------------------------------------------------------------
class ReceiptOut(Base):
    receipt_id: str
    transaction_id: str
    format: str
    url: str
    digital_signature: str
    created_at: str
    expires_at: str


class ReceiptGenerateIn(Base):
    format: str = "email"
    recipient: str | None = None


class ReceiptGeneratedOut(Base):
    receipt_id: str
    format: str
    status: str
    recipient: str | None
    sent_at: str
    message: str
    url: str | None = None


# -- bills ---------------------------------------------------------------------------------------
class AmountRange(Base):
    min: Amount
    max: Amount


class ProviderOut(Base):
    provider_id: str
    name: str
    logo: str
    amount_range: AmountRange
    denominations: list[Amount]
    currency: str


class ProvidersOut(Base):
    providers: list[ProviderOut]


class TopupIn(Base):
    provider_id: str
    phone_number: str
    amount: Amount
    payment_method_id: str | None = None


class TopupOut(Base):
    transaction_id: str
    type: str
    provider: str
    phone_number: str
    amount: Amount
    status: str
    reference: str
    message: str
    created_at: str


class TopupItem(Base):
    transaction_id: str
    provider: str
    phone_number: str
    amount: Amount
    status: str
    reference: str
    created_at: str


class TopupListOut(Base):
    topups: list[TopupItem]
    pagination: Pagination
