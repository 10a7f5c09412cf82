"""Tribble fraud and dispute bodies (camelCase msgspec Structs)."""

from __future__ import annotations

from app.platforms.tribble.schemas import Amount, Base, Period, RiskFactor


# -- fraud -----------------------------------------------------------------------------------------
class RiskScoreOut(Base):
    transaction_id: str
    risk_score: int
    risk_level: str
    decision: str
    confidence: float
    risk_factors: list[RiskFactor]
    model_version: str
    calculated_at: str


class FraudSummary(Base):
    total_transactions: int
    fraudulent_transactions: int
    fraud_rate: float
    average_fraud_score: int
    blocked_transactions: int
    declined_transactions: int


class FraudFactorCount(Base):
    factor: str
    occurrences: int
    percentage: float


class FraudAnalyticsOut(Base):
    period: Period
    summary: FraudSummary
    risk_level_distribution: dict[str, int]
    top_fraud_factors: list[FraudFactorCount]


# -- disputes --------------------------------------------------------------------------------------
class DisputeIn(Base):
    reason: str
    description: str = ""
    evidence_files: list[str] = []


class DisputeCreatedOut(Base):
    dispute_id: str
    transaction_id: str
    reason: str
    amount: Amount
    status: str
    deadline: str
    created_at: str
    message: str


class EvidenceUploadedOut(Base):
    dispute_id: str
    evidence_count: int
    total_file_size: int
    uploaded_at: str
    message: str


class EvidenceItem(Base):
    evidence_id: str
    type: str
    file_url: str
    uploaded_at: str
    file_name: str
    file_size: int


class Investigation(Base):
    started_at: str | None
    merchant_response_deadline: str
    merchant_response: str | None
    notes: str


class DisputeOut(Base):
    dispute_id: str
    transaction_id: str
    customer_id: str
    merchant_id: str
    reason: str
    amount: Amount
    status: str
    resolution: str | None
    deadline: str
    created_at: str
    evidence: list[EvidenceItem]
    investigation: Investigation


class ResolutionIn(Base):
    resolution: str
    refund_amount: Amount | None = None
    notes: str = ""


class ResolutionOut(Base):
    dispute_id: str
    status: str
    resolution: str
    refund_id: str | None
    refund_amount: Amount
    resolved_at: str
    message: str
