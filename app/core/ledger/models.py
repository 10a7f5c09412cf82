"""Ledger value objects: accounts, legs, entries, journals, holds, statements; receipt codes.

Frozen msgspec structs, not dataclasses: a frozen dataclass sets each field through
``object.__setattr__``, and an account row became an object in 1.9 us against 0.25 us
(the request path builds one per account it reads).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from app.core.numbers import ascii_digits

DEBIT = "DR_CR_DEBIT"
CREDIT = "DR_CR_CREDIT"
SIDES = {"D": DEBIT, "C": CREDIT}

OWNER_TYPES = frozenset({"user", "partner", "agent", "merchant", "system", "bank", "fx"})
PURPOSES = frozenset(
    {
        "ACCOUNT_PURPOSE_WALLET",
        "ACCOUNT_PURPOSE_SETTLEMENT",
        "ACCOUNT_PURPOSE_FEE",
        "ACCOUNT_PURPOSE_COMMISSION",
        "ACCOUNT_PURPOSE_FX",
        "ACCOUNT_PURPOSE_FLOAT",
        "ACCOUNT_PURPOSE_BANK",
    }
)
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_REAL", "ACCOUNT_TYPE_SYSTEM"})
TRANSACTION_TYPES = frozenset(
    {
        "TRANSACTION_TYPE_DEPOSIT",
        "TRANSACTION_TYPE_WITHDRAWAL",
        "TRANSACTION_TYPE_TRANSFER",
        "TRANSACTION_TYPE_CONVERSION",
        "TRANSACTION_TYPE_FEE",
        "TRANSACTION_TYPE_REFUND",
        "TRANSACTION_TYPE_PAYMENT",
        "TRANSACTION_TYPE_REVERSAL",
        "TRANSACTION_TYPE_ADJUSTMENT",
    }
)
LEG_KINDS = frozenset({"principal", "fee", "commission", "fx"})

# System accounts by name -> purpose.
SYSTEM_ACCOUNTS: dict[str, str] = {
    "settlement": "ACCOUNT_PURPOSE_SETTLEMENT",
    "fees": "ACCOUNT_PURPOSE_FEE",
    "commission": "ACCOUNT_PURPOSE_COMMISSION",
    "fx": "ACCOUNT_PURPOSE_FX",
    "suspense": "ACCOUNT_PURPOSE_SETTLEMENT",
    # The sandbox's source of money on demand (POST /_sandbox/users/{user}/fund, fixtures): it goes
    # negative by what QA has put into wallets, so every funded balance is a balanced journal.
    "funding": "ACCOUNT_PURPOSE_SETTLEMENT",
}


class Account(msgspec.Struct, frozen=True):
    id: int
    number: str
    owner_type: str
    owner_id: int | None
    currency: str
    purpose: str
    type: str
    is_active: bool
    is_locked: bool
    allow_negative: bool
    balance: int
    pending_debit: int
    pending_credit: int
    last_transaction_at: float | None
    created_at: float
    label: str

    @property
    def available(self) -> int:
        return self.balance - self.pending_debit


class Leg(msgspec.Struct, frozen=True):
    """One linked movement: ``amount`` from ``debit`` (account id) to ``credit`` (account id)."""

    debit: int
    credit: int
    amount: int
    kind: str = "principal"
    description: str = ""
    debit_description: str | None = None
    credit_description: str | None = None


class Entry(msgspec.Struct, frozen=True):
    id: int
    journal_id: int
    account_id: int
    account_number: str
    currency: str
    amount: int
    side: str
    balance_after: int
    description: str
    kind: str
    created_at: float
    receipt_code: str

    @property
    def signed_amount(self) -> int:
        """+amount for a credit, -amount for a debit (credit-normal)."""
        return self.amount if self.side == CREDIT else -self.amount


class Journal(msgspec.Struct, frozen=True):
    id: int
    type: str
    receipt_code: str
    description: str
    created_at: float
    idempotency_key: str | None
    metadata: dict[str, Any]
    entries: tuple[Entry, ...]
    replayed: bool = False
    extra: Any = None

    def entries_of(self, account_id: int) -> list[Entry]:
        return [e for e in self.entries if e.account_id == account_id]


class Hold(msgspec.Struct, frozen=True):
    id: int
    account_id: int
    amount: int
    direction: str
    status: str
    reference: str
    expires_at: float | None
    created_at: float
    journal_id: int | None
    reason: str = ""
    resolved_at: float | None = None


class Statement(msgspec.Struct, frozen=True):
    account: Account
    start: float | None
    end: float | None
    opening_balance: int
    closing_balance: int
    total_debits: int
    total_credits: int
    entries: list[Entry] = msgspec.field(default_factory=list)
    count: int = 0


# -- receipt codes ---------------------------------------------------------------------------
# "RCP-<YYYY>-<18 digits>": the digits are a bijective scramble of (created second mod 1e8, id mod 1e10),
# so a code is deterministic, unique per journal, looks random, and maps back to its journal id.
_MOD = 10**18
_MUL = 723_918_471_035_678_123  # coprime with 10 -> invertible mod 1e18
_ADD = 388_065_207_815_057_408
_INV = pow(_MUL, -1, _MOD)


_YEARS: dict[int, int] = {}  # day number -> year (saves a datetime per posting)


def receipt_code(journal_id: int, created_at: float) -> str:
    day = int(created_at // 86_400)
    year = _YEARS.get(day)
    if year is None:
        year = _YEARS[day] = datetime.fromtimestamp(day * 86_400, UTC).year
    plain = (int(created_at) % 10**8) * 10**10 + journal_id % 10**10
    return f"RCP-{year}-{(plain * _MUL + _ADD) % _MOD:018d}"


def journal_id_from_receipt(code: str) -> int | None:
    """The journal id a receipt code names (verify by recomputing ``receipt_code``), None if malformed."""
    parts = code.strip().split("-")
    if len(parts) != 3 or parts[0].upper() != "RCP" or len(parts[2]) != 18 or not ascii_digits(parts[2]):
        return None
    plain = ((int(parts[2]) - _ADD) * _INV) % _MOD
    return plain % 10**10
