"""Core objects -> Tribble's field values: ids, enums, amounts (JSON numbers), timestamps."""

from __future__ import annotations

import secrets

from app.core.clock import iso
from app.core.identity.models import User
from app.core.money import to_float
from app.core.numbers import strict_int

WALLET_PREFIX = "wallet-"


def new_id(prefix: str) -> str:
    """``txn-3f9c0a...`` style identifiers (prefix + 20 hex digits)."""
    return f"{prefix}-{secrets.token_hex(10)}"


def amount(minor: int, currency: str) -> float:
    return to_float(minor, currency)


def ts(value: float | None) -> str | None:
    return None if value is None else iso(value)


def wallet_id(account_id: int) -> str:
    return f"{WALLET_PREFIX}{account_id}"


def account_id_of_wallet(wallet: str) -> int | None:
    if not wallet.startswith(WALLET_PREFIX):
        return None
    return strict_int(wallet[len(WALLET_PREFIX) :])


def kyc_status(user: User) -> str:
    return user.kyc_status.upper()


def account_status(user: User) -> str:
    return user.status.upper()


def mask_account(number: str) -> str:
    return "****" + number[-4:]
