"""Fee rules and fee quotes.

A rule ``(scheme, transaction_type, currency)`` charges ``apply_rate(amount, rate) + flat``
(half-even, ``app.core.money``), clamped to ``[min_fee, max_fee]`` and never above the amount.
``currency='*'`` matches any currency; an exact currency rule wins. No rule means no fee.
Defaults (migration 0100): cashier deposit 1%, withdrawal 2%, transfer 2%, conversion 1%,
agent_commission 1.5%; tribble fund 0.5%; drop remittance 0.5%, qr_payment 1%.
Rules live in table ``fee_rules`` and are read on every quote, so edits (control API,
snapshot restore) apply at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.errors import NotFound, ValidationFailed
from app.core.money import apply_rate, normalize_currency
from app.db.database import Database

SCHEMES = frozenset({"cashier", "tribble", "drop", "nivo", "twallet"})
_COLUMNS = "scheme, transaction_type, currency, rate, flat, min_fee, max_fee, fee_type"


@dataclass(frozen=True, slots=True)
class FeeQuote:
    fee: int
    rate: Decimal
    flat: int
    fee_type: str = "FEE_TYPE_PLATFORM"
    currency: str = ""


@dataclass(frozen=True, slots=True)
class FeeRule:
    scheme: str
    transaction_type: str
    currency: str
    rate: Decimal
    flat: int = 0
    min_fee: int = 0
    max_fee: int | None = None
    fee_type: str = "FEE_TYPE_PLATFORM"

    def fee_for(self, amount_minor: int) -> int:
        fee = apply_rate(amount_minor, self.rate) + self.flat
        fee = max(fee, self.min_fee)
        if self.max_fee is not None:
            fee = min(fee, self.max_fee)
        return max(0, min(fee, amount_minor))


def _rule(row: Sequence[Any]) -> FeeRule:
    max_fee = None if row[6] is None else int(row[6])
    return FeeRule(
        str(row[0]), str(row[1]), str(row[2]), Decimal(str(row[3])), int(row[4]), int(row[5]), max_fee, str(row[7])
    )


def find_rule_in(conn: sqlite3.Connection, scheme: str, transaction_type: str, currency: str) -> FeeRule | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM fee_rules WHERE scheme = ? AND transaction_type = ? AND currency IN (?, '*') "
        "ORDER BY currency = '*' LIMIT 1",
        (scheme, transaction_type, currency),
    ).fetchone()
    return None if row is None else _rule(tuple(row))


def quote_in(
    conn: sqlite3.Connection, scheme: str, transaction_type: str, currency: str, amount_minor: int
) -> FeeQuote:
    """The fee for ``amount_minor`` of ``currency`` under ``scheme``'s rule for ``transaction_type``."""
    cur = normalize_currency(currency)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor < 0:
        raise ValidationFailed(f"Invalid amount {amount_minor!r}", code="invalid_amount")
    rule = find_rule_in(conn, scheme, transaction_type, cur)
    if rule is None:
        return FeeQuote(0, Decimal(0), 0, "FEE_TYPE_PLATFORM", cur)
    return FeeQuote(rule.fee_for(amount_minor), rule.rate, rule.flat, rule.fee_type, cur)


def _decimal_rate(rate: object) -> Decimal:
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise ValidationFailed(f"Invalid fee rate {rate!r}", code="invalid_rate") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise ValidationFailed(f"Fee rate must be between 0 and 1, got {rate!r}", code="invalid_rate")
    return value


class FeeSchedule:
    """``sandbox.ledger.fees``: fee quotes and the editable rule table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def quote(self, scheme: str, transaction_type: str, currency: str, amount_minor: int) -> FeeQuote:
        # One indexed row of a small table: inline, no reader-thread hop.
        return self.db.peek(lambda c: quote_in(c, scheme, transaction_type, currency, amount_minor))

    async def rules(self, scheme: str | None = None) -> list[FeeRule]:
        def run(conn: sqlite3.Connection) -> list[FeeRule]:
            sql = f"SELECT {_COLUMNS} FROM fee_rules"
            params: tuple[str, ...] = ()
            if scheme is not None:
                sql += " WHERE scheme = ?"
                params = (scheme,)
            return [_rule(tuple(r)) for r in conn.execute(sql + " ORDER BY scheme, transaction_type, currency", params)]

        return await self.db.read(run)

    async def set_rule(
        self,
        scheme: str,
        transaction_type: str,
        *,
        rate: Decimal | str | float = "0",
        flat: int = 0,
        currency: str = "*",
        min_fee: int = 0,
        max_fee: int | None = None,
        fee_type: str = "FEE_TYPE_PLATFORM",
    ) -> FeeRule:
        """Create or replace a rule."""
        if scheme not in SCHEMES:
            raise ValidationFailed(f"Unknown fee scheme {scheme!r}", code="invalid_scheme")
        if not transaction_type:
            raise ValidationFailed("transaction_type is required", code="invalid_transaction_type")
        cur = currency if currency == "*" else normalize_currency(currency)
        for name, value in (("flat", flat), ("min_fee", min_fee), ("max_fee", max_fee)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationFailed(f"{name} must be a non-negative integer of minor units", code="invalid_amount")
        rule = FeeRule(scheme, transaction_type, cur, _decimal_rate(rate), flat, min_fee, max_fee, fee_type)
        await self.db.write(
            lambda c: c.execute(
                f"INSERT OR REPLACE INTO fee_rules ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (scheme, transaction_type, cur, str(rule.rate), flat, min_fee, max_fee, fee_type),
            )
        )
        return rule

    async def delete_rule(self, scheme: str, transaction_type: str, currency: str = "*") -> None:
        def run(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "DELETE FROM fee_rules WHERE scheme = ? AND transaction_type = ? AND currency = ?",
                (scheme, transaction_type, currency),
            ).rowcount

        if not await self.db.write(run):
            raise NotFound(f"No fee rule {scheme}/{transaction_type}/{currency}", code="fee_rule_not_found")
