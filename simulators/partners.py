"""Cashier's payment partners (``PTN-*``): who serves which service, in which countries and currencies.

Each partner has a float account per currency in the ledger (owner_type ``partner``, purpose
``ACCOUNT_PURPOSE_FLOAT``, negative balances allowed: the partner pays deposits out of it and
receives withdrawals into it). Partners are reference data seeded into an empty database; a
partner's behaviour (delay, outcome) is the simulator ``partner:<id>``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import NotFound, ValidationFailed

SERVICES = ("mpesa", "paypal", "bank_transfer", "airtel_money", "mtn_momo", "card", "upi")
STATUSES = ("active", "inactive", "maintenance")


@dataclass(frozen=True, slots=True)
class PartnerSeed:
    name: str
    service: str
    country: str
    currencies: tuple[str, ...]
    payment_method: str


PARTNER_SEEDS: tuple[PartnerSeed, ...] = (
    PartnerSeed("Safaricom M-Pesa", "mpesa", "KE", ("KES", "USD"), "mobile_money"),
    PartnerSeed("Vodacom M-Pesa Tanzania", "mpesa", "TZ", ("TZS", "USD"), "mobile_money"),
    PartnerSeed("PayPal", "paypal", "US", ("USD", "EUR", "GBP"), "wallet"),
    PartnerSeed("Equity Bank Transfers", "bank_transfer", "KE", ("KES", "USD"), "bank_transfer"),
    PartnerSeed("SEPA Credit Transfer", "bank_transfer", "DE", ("EUR",), "bank_transfer"),
    PartnerSeed("UK Faster Payments", "bank_transfer", "GB", ("GBP",), "bank_transfer"),
    PartnerSeed("ACH Network", "bank_transfer", "US", ("USD",), "bank_transfer"),
    PartnerSeed("NIBSS Instant Payments", "bank_transfer", "NG", ("NGN",), "bank_transfer"),
    PartnerSeed("Airtel Money Kenya", "airtel_money", "KE", ("KES",), "mobile_money"),
    PartnerSeed("Airtel Money Uganda", "airtel_money", "UG", ("UGX", "USD"), "mobile_money"),
    PartnerSeed("MTN MoMo Ghana", "mtn_momo", "GH", ("GHS",), "mobile_money"),
    PartnerSeed("MTN MoMo Uganda", "mtn_momo", "UG", ("UGX",), "mobile_money"),
    PartnerSeed("Card Acquirer", "card", "US", ("USD", "EUR", "GBP", "KES", "NGN"), "card"),
    PartnerSeed("UPI Gateway India", "upi", "IN", ("INR",), "upi"),
)


def partner_id(seq: int) -> str:
    return f"PTN-{seq:03d}"


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    seq: int
    name: str
    service: str
    country: str
    currencies: tuple[str, ...]
    status: str
    payment_method: str
    # Ledger float account id per currency.
    accounts: dict[str, int] = field(default_factory=dict)

    @property
    def simulator(self) -> str:
        """The simulator name whose behaviour this partner follows (``partner:PTN-001``)."""
        return f"partner:{self.id}"

    @property
    def active(self) -> bool:
        return self.status == "active"

    def serves(self, currency: str) -> bool:
        return currency.upper() in self.currencies

    def account_id(self, currency: str) -> int:
        """The partner's float account in ``currency``; ValidationFailed(unsupported_currency) otherwise."""
        found = self.accounts.get(currency.upper())
        if found is None:
            raise ValidationFailed(
                f"partner {self.id} does not support {currency.upper()}", code="unsupported_currency"
            )
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "service": self.service,
            "country": self.country,
            "currencies": list(self.currencies),
            "status": self.status,
            "payment_method": self.payment_method,
            "accounts": dict(self.accounts),
        }


def _accounts_in(conn: sqlite3.Connection, kind: str, owner: str, purpose: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT currency, account_id FROM sim_owner_accounts WHERE owner_kind = ? AND owner_id = ? AND purpose = ?",
        (kind, owner, purpose),
    ).fetchall()
    return {row[0]: int(row[1]) for row in rows}


def _partner(conn: sqlite3.Connection, row: sqlite3.Row) -> Partner:
    return Partner(
        row["id"],
        row["seq"],
        row["name"],
        row["service"],
        row["country"],
        tuple(json.loads(row["currencies"])),
        row["status"],
        row["payment_method"],
        _accounts_in(conn, "partner", row["id"], "ACCOUNT_PURPOSE_FLOAT"),
    )


class PartnerDirectory:
    """``hub.partners``."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def list(
        self, service: str | None = None, currency: str | None = None, country: str | None = None
    ) -> list[Partner]:
        def run(conn: sqlite3.Connection) -> list[Partner]:
            sql = "SELECT * FROM sim_partners WHERE 1=1"
            params: list[Any] = []
            if service:
                sql += " AND service = ?"
                params.append(service.strip().lower())
            if country:
                sql += " AND country = ?"
                params.append(country.strip().upper())
            rows = conn.execute(sql + " ORDER BY seq", tuple(params)).fetchall()
            partners = [_partner(conn, row) for row in rows]
            if currency:
                partners = [p for p in partners if p.serves(currency)]
            return partners

        result: list[Partner] = await self.db.read(run)
        return result

    async def get(self, partner_id: str) -> Partner | None:
        def run(conn: sqlite3.Connection) -> Partner | None:
            row = conn.execute("SELECT * FROM sim_partners WHERE id = ?", (partner_id.strip().upper(),)).fetchone()
            return _partner(conn, row) if row else None

        result: Partner | None = await self.db.read(run)
        return result

    async def select(self, service: str, currency: str, country: str | None = None) -> Partner:
        """Auto-selection: the first active partner serving ``service`` in ``currency``."""
        for partner in await self.list(service=service, currency=currency, country=country):
            if partner.active:
                return partner
        raise NotFound(
            f"no active partner serves {service} in {currency.upper()}",
            code="partner_not_found",
            service=service,
            currency=currency.upper(),
        )

    async def services(self) -> list[str]:
        rows = await self.db.fetchall("SELECT DISTINCT service FROM sim_partners ORDER BY service")
        return [row[0] for row in rows]

    async def set_status(self, partner_id: str, status: str) -> Partner:
        if status not in STATUSES:
            raise ValidationFailed(f"status must be one of {', '.join(STATUSES)}", code="invalid_status")
        pid = partner_id.strip().upper()

        def run(conn: sqlite3.Connection) -> int:
            return int(conn.execute("UPDATE sim_partners SET status = ? WHERE id = ?", (status, pid)).rowcount)

        if not await self.db.write(run):
            raise NotFound(f"partner {pid} not found", code="partner_not_found")
        partner = await self.get(pid)
        assert partner is not None
        return partner
