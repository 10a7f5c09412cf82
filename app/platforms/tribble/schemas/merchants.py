"""Tribble merchant, admin, dashboard and analytics bodies (camelCase msgspec Structs)."""

from __future__ import annotations

from app.platforms.tribble.schemas import Amount, Base, Pagination, Period


# -- merchants -----------------------------------------------------------------------------------
class MerchantBankIn(Base):
    bank_code: str
    account_number: str
    account_holder: str


class MerchantRegisterIn(Base):
    business_name: str
    entity_type: str
    tax_id: str
    industry: str = ""
    bank_account: MerchantBankIn | None = None


class MerchantRegisteredOut(Base):
    merchant_id: str
    business_name: str
    kyc_status: str
    risk_level: str
    message: str
    created_at: str


class MerchantBankAccount(Base):
    account_id: str
    bank_code: str
    account_number: str
    account_holder: str
    is_verified: bool


class SettlementSettings(Base):
    frequency: str
    minimum_amount: Amount
    settlement_fee_percent: float
    hold_period_days: int


class MerchantMetrics(Base):
    total_transactions: int
    total_volume: Amount
    chargeback_rate: float
    dispute_rate: float


class MerchantOut(Base):
    merchant_id: str
    business_name: str
    entity_type: str
    tax_id: str
    industry: str
    kyc_status: str
    risk_level: str
    bank_accounts: list[MerchantBankAccount]
    settlement_settings: SettlementSettings
    metrics: MerchantMetrics


class SettlementUpdatedOut(Base):
    merchant_id: str
    settlement_settings: SettlementSettings
    message: str


# -- admin ----------------------------------------------------------------------------------------
class AdminDocument(Base):
    type: str
    status: str


class PendingMerchant(Base):
    merchant_id: str
    business_name: str
    submitted_at: str
    risk_score: int
    next_review: str
    documents: list[AdminDocument]


class PendingMerchantsOut(Base):
    merchants: list[PendingMerchant]
    pagination: Pagination


class ApproveIn(Base):
    notes: str = ""


class ApprovedOut(Base):
    merchant_id: str
    kyc_status: str
    approved_at: str
    message: str


class RejectIn(Base):
    reason: str
    message: str = ""


class RejectedOut(Base):
    merchant_id: str
    kyc_status: str
    rejection_reason: str
    rejection_message: str
    rejected_at: str
    message: str


# -- dashboard and analytics -------------------------------------------------------------------------
class DashboardMetrics(Base):
    total_transactions: int
    successful_transactions: int
    failed_transactions: int
    total_volume: Amount
    average_transaction_amount: Amount
    chargeback_count: int
    chargeback_rate: float
    dispute_count: int
    refund_count: int
    refund_amount: Amount


class DashboardSettlements(Base):
    total_settled: Amount
    next_settlement_date: str
    next_settlement_amount: Amount
    pending_amount: Amount


class TopProduct(Base):
    name: str
    transaction_count: int
    total_amount: Amount


class DashboardOut(Base):
    merchant_id: str
    period: Period
    metrics: DashboardMetrics
    settlements: DashboardSettlements
    top_products: list[TopProduct]


class AnalyticsSummary(Base):
    total_transactions: int
    successful_transactions: int
    failed_transactions: int
    total_volume: Amount
    average_transaction_amount: Amount
    success_rate: float


class PeriodMetric(Base):
    date: str
    transaction_count: int
    total_volume: Amount
    average_amount: Amount
    success_rate: float


class TopCustomer(Base):
    customer_id: str
    transaction_count: int
    total_spent: Amount


class AnalyticsOut(Base):
    merchant_id: str
    period: Period
    group_by: str
    summary: AnalyticsSummary
    daily_metrics: list[PeriodMetric]
    top_customers: list[TopCustomer]
