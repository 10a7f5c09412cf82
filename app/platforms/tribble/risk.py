"""The fraud engine: a weighted score over factors computed from the user's real history.

score = round(sum(weight * factor score) / sum(weights)), 0..100.
LOW < 30 (ALLOW), MEDIUM < 60 (REQUIRE_VERIFICATION, the payment proceeds), HIGH < 80 (HOLD),
CRITICAL (BLOCK). HOLD and BLOCK refuse the payment with FRAUD_BLOCK.

Inputs from the request: ``X-Device-Id`` (device), ``X-Forwarded-For`` or the peer address (IP),
``X-Country`` (ISO country of the payer's location).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from app.core.identity.models import User
from app.runtime import Sandbox

MODEL_VERSION = "1.2.1"

WEIGHTS: dict[str, float] = {
    "Amount Deviation": 0.15,
    "Device Mismatch": 0.10,
    "Velocity Check": 0.12,
    "Geographic Anomaly": 0.12,
    "IP Reputation": 0.07,
}
# Documentation networks (RFC 5737) stand for known-bad IPs in the sandbox.
_BAD_NETS = [ipaddress.ip_network(n) for n in ("198.51.100.0/24", "203.0.113.0/24")]


@dataclass(frozen=True, slots=True)
class Factor:
    name: str
    weight: float
    score: int
    explanation: str


@dataclass(frozen=True, slots=True)
class Assessment:
    score: int
    level: str
    decision: str
    confidence: float
    factors: list[Factor]

    @property
    def blocks(self) -> bool:
        return self.decision in {"HOLD", "BLOCK"}

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "riskLevel": self.level,
            "decision": self.decision,
            "confidence": self.confidence,
            "factors": [
                {"name": f.name, "weight": f.weight, "score": f.score, "explanation": f.explanation}
                for f in self.factors
            ],
        }


def level_of(score: int) -> tuple[str, str]:
    if score < 30:
        return "LOW", "ALLOW"
    if score < 60:
        return "MEDIUM", "REQUIRE_VERIFICATION"
    if score < 80:
        return "HIGH", "HOLD"
    return "CRITICAL", "BLOCK"


def _amount_factor(minor: int, history: list[int]) -> tuple[int, str]:
    if not history:
        return 20, "First transaction in this currency - no history to compare"
    average = sum(history) / len(history)
    ratio = minor / average if average else 1.0
    if ratio <= 1.5:
        return 10, "Amount is within user average"
    if ratio <= 3:
        return 45, f"Amount is {ratio:.1f}x user average transaction"
    if ratio <= 5:
        return 70, f"Amount is {ratio:.1f}x user average transaction"
    return 90, f"Amount is {ratio:.1f}x user average transaction"


def _velocity_factor(count: int) -> tuple[int, str]:
    if count <= 1:
        return 10, f"{count} transactions in last hour - normal"
    if count <= 3:
        return 30, f"{count} transactions in last hour - elevated but within limits"
    if count <= 9:
        return 60, f"{count} transactions in last hour - high velocity"
    return 95, f"{count} transactions in last hour - velocity limit exceeded"


def _ip_factor(ip: str | None) -> tuple[int, str]:
    if not ip:
        return 30, "IP address unknown"
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return 50, "IP address malformed"
    if any(addr in net for net in _BAD_NETS):
        return 90, "IP on a known-bad reputation list"
    if addr.is_private or addr.is_loopback:
        return 20, "IP from residential ISP - low risk"
    return 25, "IP from a public network with no bad reputation"


async def assess(
    sandbox: Sandbox,
    user: User,
    minor: int,
    currency: str,
    *,
    device_id: str | None,
    ip: str | None,
    country: str | None,
    exclude: str | None = None,
    before: float | None = None,
) -> Assessment:
    """Score a payment of ``minor`` by ``user`` against the payments before ``before``."""
    now = sandbox.clock.time() if before is None else before
    rows = await sandbox.db.fetchall(
        "SELECT id, amount, currency, status, country, created_at FROM tribble_transactions"
        " WHERE customer_user_id = ? AND kind = 'payment' AND created_at <= ? AND id != ?",
        (user.id, now, exclude or ""),
    )
    history = [int(r["amount"]) for r in rows if r["currency"] == currency and r["status"] in ("SUCCESS", "PROCESSING")]
    recent = sum(1 for r in rows if r["created_at"] >= now - 3600)
    factors: list[Factor] = []
    score, why = _amount_factor(minor, history)
    factors.append(Factor("Amount Deviation", WEIGHTS["Amount Deviation"], score, why))
    if not device_id:
        score, why = 30, "No device fingerprint supplied"
    else:
        seen = await sandbox.db.fetchone(
            "SELECT first_seen FROM tribble_devices WHERE user_id = ? AND device_id = ? AND first_seen < ?",
            (user.id, device_id, now),
        )
        score, why = (5, "Known device") if seen else (80, "New device detected - first time from this device")
    factors.append(Factor("Device Mismatch", WEIGHTS["Device Mismatch"], score, why))
    score, why = _velocity_factor(recent)
    factors.append(Factor("Velocity Check", WEIGHTS["Velocity Check"], score, why))
    seen = [str(r["country"]).upper() for r in rows if r["country"]]
    home = (user.country or "").upper() or (max(set(seen), key=seen.count) if seen else "")
    if not country or not home:
        score, why = 10, "Transaction location consistent with user profile"
    elif country.upper() == home:
        score, why = 10, "Transaction location consistent with user profile"
    else:
        score, why = 70, f"Transaction from {country.upper()}, user usually transacts from {home}"
    factors.append(Factor("Geographic Anomaly", WEIGHTS["Geographic Anomaly"], score, why))
    score, why = _ip_factor(ip)
    factors.append(Factor("IP Reputation", WEIGHTS["IP Reputation"], score, why))
    total_weight = sum(f.weight for f in factors)
    raw = sum(f.weight * f.score for f in factors) / total_weight
    final = int(round(raw))
    level, decision = level_of(final)
    confidence = round(min(0.99, 0.6 + 0.04 * len(history)), 2)
    return Assessment(final, level, decision, confidence, factors)


def from_dict(data: dict[str, object]) -> Assessment:
    raw_factors = data.get("factors") or []
    factors = [
        Factor(str(f["name"]), float(f["weight"]), int(f["score"]), str(f["explanation"]))
        for f in raw_factors  # type: ignore[union-attr]
        if isinstance(f, dict)
    ]
    return Assessment(
        int(data.get("score", 0)),  # type: ignore[call-overload]
        str(data.get("riskLevel", "LOW")),
        str(data.get("decision", "ALLOW")),
        float(data.get("confidence", 0.6)),  # type: ignore[arg-type]
        factors,
    )
