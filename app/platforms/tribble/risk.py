"""The fraud engine: a weighted score over factors computed from the user's real history.

score = round(sum(weight * factor score) / sum(weights)), 0..100.
LOW < 30 (ALLOW), MEDIUM < 60 (REQUIRE_VERIFICATION, the payment proceeds), HIGH < 80 (HOLD),
CRITICAL (BLOCK). HOLD and BLOCK refuse the payment with FRAUD_BLOCK.

Inputs from the request: ``X-Device-Id`` (device), ``X-Forwarded-For`` or the peer address (IP),
``X-Country`` (ISO country of the payer's location).
"""

from __future__ import annotations

import ipaddress
import sqlite3
from dataclasses import dataclass

from app.core.identity.models import User
from app.platforms.tribble.store import risk as store
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


def _amount_factor(minor: int, payments: int, total: int) -> tuple[int, str]:
    if not payments:
        return 20, "First transaction in this currency - no history to compare"
    average = total / payments
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


@dataclass(frozen=True, slots=True)
class History:
    """What the score compares a new payment with, read in O(1) rows whatever the payer's history."""

    payments: int  # SUCCESS/PROCESSING payments in the currency (the running totals of migration 0805)
    total: int  # their sum, in minor units
    last_hour: int  # payments of any status in the hour before now (an index range on created_at)
    home: str  # the payer's country, else the country they pay from most often


def _history_in(conn: sqlite3.Connection, user: User, currency: str, now: float) -> History:
    totals = store.risk_totals_in(conn, user.id, currency)
    last_hour = store.payments_between_in(conn, user.id, now - 3600, now)
    home = (user.country or "").upper()
    if not home:
        row = store.usual_country_in(conn, user.id)
        home = row[0] if row else ""
    payments, total = (int(totals[0]), int(totals[1])) if totals else (0, 0)
    return History(payments, total, int(last_hour), home)


async def assess(
    sandbox: Sandbox,
    user: User,
    minor: int,
    currency: str,
    *,
    device_id: str | None,
    ip: str | None,
    country: str | None,
) -> Assessment:
    """Score a new payment of ``minor`` by ``user`` against the payments made so far."""
    now = sandbox.clock.time()
    history = sandbox.db.peek(lambda conn: _history_in(conn, user, currency, now))
    factors: list[Factor] = []
    score, why = _amount_factor(minor, history.payments, history.total)
    factors.append(Factor("Amount Deviation", WEIGHTS["Amount Deviation"], score, why))
    if not device_id:
        score, why = 30, "No device fingerprint supplied"
    else:
        seen = sandbox.db.peek(lambda conn: store.device_seen_in(conn, user.id, device_id, now))
        score, why = (5, "Known device") if seen else (80, "New device detected - first time from this device")
    factors.append(Factor("Device Mismatch", WEIGHTS["Device Mismatch"], score, why))
    score, why = _velocity_factor(history.last_hour)
    factors.append(Factor("Velocity Check", WEIGHTS["Velocity Check"], score, why))
    home = history.home
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
    confidence = round(min(0.99, 0.6 + 0.04 * history.payments), 2)
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
