"""Airtime providers (Tribble bill payments): mtn, airtel, glo, 9mobile in Nigeria, NGN.

Amounts are stored in minor units (kobo); the contract renders them in naira
(``amountRange {min: 100, max: 50000}``, ``denominations [100, 500, ...]``). A top-up is an
operation on the simulator ``airtime:<providerId>``; ``validate_topup`` checks provider, phone
number and amount before the platform starts it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.errors import NotFound, ValidationFailed

_DENOMINATIONS_NGN = (100, 500, 1000, 2000, 5000, 10000, 20000, 50000)


@dataclass(frozen=True, slots=True)
class AirtimeProvider:
    id: str  # providerId: mtn | airtel | glo | 9mobile
    name: str
    country: str
    currency: str
    logo: str
    min_amount: int  # minor units
    max_amount: int  # minor units
    denominations: tuple[int, ...]  # minor units
    status: str = "active"

    @property
    def simulator(self) -> str:
        return f"airtime:{self.id}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "currency": self.currency,
            "logo": self.logo,
            "min_amount": self.min_amount,
            "max_amount": self.max_amount,
            "denominations": list(self.denominations),
            "status": self.status,
        }


def _seed(provider_id: str, name: str) -> AirtimeProvider:
    return AirtimeProvider(
        provider_id,
        name,
        "NG",
        "NGN",
        f"https://cdn.example.com/providers/{provider_id}.png",
        100 * 100,
        50000 * 100,
        tuple(d * 100 for d in _DENOMINATIONS_NGN),
    )


AIRTIME_SEEDS: tuple[AirtimeProvider, ...] = (
    _seed("mtn", "MTN Nigeria"),
    _seed("airtel", "Airtel Nigeria"),
    _seed("glo", "Glo Nigeria"),
    _seed("9mobile", "9mobile Nigeria"),
)

# Nigerian mobile numbers: 0 or +234, then 7/8/9, then 0/1, then 8 digits.
_NG_PHONE = re.compile(r"^(?:0|\+?234)[789][01]\d{8}$")


def normalise_ng_phone(phone: str) -> str:
    return re.sub(r"[\s\-()]", "", str(phone))


def seed_in(conn: sqlite3.Connection) -> None:
    for seq, provider in enumerate(AIRTIME_SEEDS, start=1):
        conn.execute(
            "INSERT OR IGNORE INTO sim_airtime_providers "
            "(id, seq, name, country, currency, logo, min_amount, max_amount, denominations, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                provider.id,
                seq,
                provider.name,
                provider.country,
                provider.currency,
                provider.logo,
                provider.min_amount,
                provider.max_amount,
                json.dumps(list(provider.denominations)),
                provider.status,
            ),
        )


def _provider(row: sqlite3.Row) -> AirtimeProvider:
    return AirtimeProvider(
        row["id"],
        row["name"],
        row["country"],
        row["currency"],
        row["logo"],
        row["min_amount"],
        row["max_amount"],
        tuple(json.loads(row["denominations"])),
        row["status"],
    )


class AirtimeDirectory:
    """``hub.airtime``."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def providers(self) -> list[AirtimeProvider]:
        rows = await self.db.fetchall("SELECT * FROM sim_airtime_providers ORDER BY seq")
        return [_provider(row) for row in rows]

    async def get(self, provider_id: str) -> AirtimeProvider | None:
        row = await self.db.fetchone(
            "SELECT * FROM sim_airtime_providers WHERE id = ?", (str(provider_id).strip().lower(),)
        )
        return _provider(row) if row else None

    async def validate_topup(self, provider_id: str, phone: str, amount: int) -> AirtimeProvider:
        """Provider known and active, phone a Nigerian mobile number, amount (minor) within range."""
        provider = await self.get(provider_id)
        if provider is None:
            raise NotFound(f"airtime provider {provider_id!r} not found", code="provider_not_found")
        if provider.status != "active":
            raise ValidationFailed(f"{provider.name} is not available", code="provider_unavailable")
        if not _NG_PHONE.match(normalise_ng_phone(phone)):
            raise ValidationFailed(
                "phoneNumber must be a Nigerian mobile number (e.g. 08012345678)", code="invalid_phone"
            )
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int)
            or not (provider.min_amount <= amount <= provider.max_amount)
        ):
            raise ValidationFailed(
                f"amount must be between {provider.min_amount // 100} and {provider.max_amount // 100} "
                f"{provider.currency}",
                code="invalid_amount",
                min=provider.min_amount,
                max=provider.max_amount,
            )
        return provider
