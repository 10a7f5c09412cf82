"""Fraud routes: a transaction's risk score, admin fraud analytics (period_of and rules: fraud.py, risk.py)."""

from __future__ import annotations

import json
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from app.core.clock import iso
from app.core.identity.models import Principal
from app.platforms.tribble import risk
from app.platforms.tribble.errors import invalid
from app.platforms.tribble.fraud import GROUPINGS, period_of
from app.platforms.tribble.pagination import ListQuery
from app.platforms.tribble.schemas import RiskFactor
from app.platforms.tribble.schemas.disputes import FraudAnalyticsOut, FraudFactorCount, FraudSummary, RiskScoreOut
from app.platforms.tribble.security import require_admin
from app.platforms.tribble.store.risk import scored_payments
from app.platforms.tribble.transactions import visible_transaction
from app.registry import SandboxDep


@get(
    "/transactions/{transactionId:str}/risk-score",
    summary="Fraud risk score of a transaction",
    tags=["tribble: fraud"],
)
async def risk_score(caller: Principal, sandbox: SandboxDep, transactionId: str) -> RiskScoreOut:
    row = await visible_transaction(sandbox, caller, transactionId)
    assessment = risk.from_dict(json.loads(row["fraud"] or "{}"))
    return RiskScoreOut(
        transaction_id=row["id"],
        risk_score=int(row["fraud_score"]),
        risk_level=row["risk_level"],
        decision=row["decision"],
        confidence=assessment.confidence,
        risk_factors=[
            RiskFactor(name=f.name, weight=f.weight, score=f.score, explanation=f.explanation)
            for f in assessment.factors
        ],
        model_version=risk.MODEL_VERSION,
        calculated_at=iso(row["created_at"]),
    )


@get("/admin/fraud/analytics", summary="Fraud analytics (admin only)", tags=["tribble: fraud"])
async def fraud_analytics(
    caller: Principal,
    sandbox: SandboxDep,
    listing: ListQuery,
    group_by: Annotated[str, QueryParameter(name="groupBy", description="daily, weekly or monthly")] = "daily",
) -> FraudAnalyticsOut:
    require_admin(caller.user)
    if group_by not in GROUPINGS:
        raise invalid("groupBy", "groupBy must be daily, weekly or monthly")
    start, end, period = period_of(sandbox, listing)
    rows = await scored_payments(sandbox.db, start, end)
    total = len(rows)
    flagged = [r for r in rows if r["decision"] in ("HOLD", "BLOCK")]
    distribution = {"LOW": 0, "MEDIUM": 0, "HIGH": 0, "CRITICAL": 0}
    factors: dict[str, int] = {}
    for row in rows:
        distribution[row["risk_level"]] = distribution.get(row["risk_level"], 0) + 1
        for factor in risk.from_dict(json.loads(row["fraud"] or "{}")).factors:
            if factor.score >= 50:
                factors[factor.name] = factors.get(factor.name, 0) + 1
    top = sorted(factors.items(), key=lambda kv: (-kv[1], kv[0]))
    return FraudAnalyticsOut(
        period=period,
        summary=FraudSummary(
            total_transactions=total,
            fraudulent_transactions=len(flagged),
            fraud_rate=round(100.0 * len(flagged) / total, 2) if total else 0.0,
            average_fraud_score=round(sum(int(r["fraud_score"]) for r in rows) / total) if total else 0,
            blocked_transactions=sum(1 for r in rows if r["status"] == "BLOCKED"),
            declined_transactions=sum(1 for r in rows if r["status"] == "FAILED"),
        ),
        risk_level_distribution=distribution,
        top_fraud_factors=[
            FraudFactorCount(factor=name, occurrences=n, percentage=round(100.0 * n / total, 2)) for name, n in top
        ],
    )


ROUTES = [risk_score, fraud_analytics]
