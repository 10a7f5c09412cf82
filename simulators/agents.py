"""Cash-out agents (``AGT-*``) for agent-assisted withdrawals.

Each agent has, per currency, a float account (owner_type ``agent``, purpose
``ACCOUNT_PURPOSE_FLOAT``, e.g. ``ACC-AGENT-USD-789``) that receives the user's money when the
agent pays cash out, and a commission account (``ACCOUNT_PURPOSE_COMMISSION``) credited with
``commission_rate`` of each withdrawal by the platform that uses the agent.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.errors import ValidationFailed
from simulators.partners import _accounts_in


@dataclass(frozen=True, slots=True)
class AgentSeed:
    name: str
    country: str
    currencies: tuple[str, ...]
    commission_rate: str
    location: str
    phone: str


AGENT_SEEDS: tuple[AgentSeed, ...] = (
    AgentSeed("John's Agent Shop", "KE", ("KES", "USD"), "0.01", "Moi Avenue, Nairobi", "+254711000001"),
    AgentSeed("Mama Njeri M-Pesa Point", "KE", ("KES",), "0.0125", "Westlands, Nairobi", "+254711000002"),
    AgentSeed("Kampala Cash Express", "UG", ("UGX", "USD"), "0.01", "Kampala Road, Kampala", "+256772000003"),
    AgentSeed("Accra MoMo Corner", "GH", ("GHS",), "0.015", "Osu, Accra", "+233244000004"),
    AgentSeed("Lagos Quick Cash", "NG", ("NGN", "USD"), "0.01", "Ikeja, Lagos", "+2348030000005"),
    AgentSeed("Dar Money Agents", "TZ", ("TZS",), "0.012", "Kariakoo, Dar es Salaam", "+255754000006"),
)


def agent_id(seq: int) -> str:
    return f"AGT-{seq:03d}"


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    seq: int
    name: str
    country: str
    currencies: tuple[str, ...]
    commission_rate: Decimal
    location: str
    phone: str
    status: str
    # Ledger account ids per currency: float (cash-out) and commission.
    accounts: dict[str, int] = field(default_factory=dict)
    commission_accounts: dict[str, int] = field(default_factory=dict)

    @property
    def simulator(self) -> str:
        return f"agent:{self.id}"

    @property
    def active(self) -> bool:
        return self.status == "active"

    def account_id(self, currency: str) -> int:
        found = self.accounts.get(currency.upper())
        if found is None:
            raise ValidationFailed(f"agent {self.id} does not handle {currency.upper()}", code="unsupported_currency")
        return found

    def commission_account_id(self, currency: str) -> int:
        found = self.commission_accounts.get(currency.upper())
        if found is None:
            raise ValidationFailed(f"agent {self.id} does not handle {currency.upper()}", code="unsupported_currency")
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "currencies": list(self.currencies),
            "commission_rate": str(self.commission_rate),
            "location": self.location,
            "phone": self.phone,
            "status": self.status,
            "accounts": dict(self.accounts),
            "commission_accounts": dict(self.commission_accounts),
        }


def _agent(conn: sqlite3.Connection, row: sqlite3.Row) -> Agent:
    return Agent(
        row["id"],
        row["seq"],
        row["name"],
        row["country"],
        tuple(json.loads(row["currencies"])),
        Decimal(row["commission_rate"]),
        row["location"],
        row["phone"],
        row["status"],
        _accounts_in(conn, "agent", row["id"], "ACCOUNT_PURPOSE_FLOAT"),
        _accounts_in(conn, "agent", row["id"], "ACCOUNT_PURPOSE_COMMISSION"),
    )


class AgentDirectory:
    """``hub.agents``."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def get(self, agent_id: str) -> Agent | None:
        def run(conn: sqlite3.Connection) -> Agent | None:
            row = conn.execute("SELECT * FROM sim_agents WHERE id = ?", (agent_id.strip().upper(),)).fetchone()
            return _agent(conn, row) if row else None

        result: Agent | None = await self.db.read(run)
        return result

    async def list(self, country: str | None = None, currency: str | None = None) -> list[Agent]:
        def run(conn: sqlite3.Connection) -> list[Agent]:
            sql = "SELECT * FROM sim_agents"
            params: tuple[Any, ...] = ()
            if country:
                sql += " WHERE country = ?"
                params = (country.strip().upper(),)
            agents = [_agent(conn, row) for row in conn.execute(sql + " ORDER BY seq", params).fetchall()]
            if currency:
                agents = [a for a in agents if currency.upper() in a.currencies]
            return agents

        result: list[Agent] = await self.db.read(run)
        return result
