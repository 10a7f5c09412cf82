"""Virtual cards (Flow 8): issue, list, get, freeze, unfreeze, limits, cancel (routes: ``routes/cards.py``).

The full number and CVV are generated once (Luhn-valid, BIN 4000), returned in the create
response and never stored: the table keeps the masked number, the last four digits and a salted
SHA-256 of the number. A frozen card refuses limit changes until unfrozen; a cancelled card
refuses every change (as an issuer would: cancellation is final).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import uuid
from dataclasses import dataclass

from app.core.card_numbers import luhn_check_digit
from app.core.clock import utc_from_ts
from app.core.errors import ValidationFailed
from app.core.identity.models import User
from app.core.money import exponent, parse_amount
from app.core.numbers import ascii_digits
from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.store.cards import (
    card_in,
    cards_of_wallet_in,
    insert_card_in,
    live_card_count_in,
    move_card_status_in,
    set_card_limits_in,
)
from app.platforms.nivo.wallets import NivoWallet, get_wallet_in, normalize_uuid, require_active
from app.runtime import Sandbox
from app.wording import invalid_amount_message

BIN = "4000"
DEFAULT_DAILY_MAJOR = 50_000
DEFAULT_MONTHLY_MAJOR = 500_000
MAX_CARDS_PER_WALLET = 5
VALID_YEARS = 3
CVV_MESSAGE = "Save your card details securely. CVV will not be shown again."


def luhn_valid(number: str) -> bool:
    return ascii_digits(number) and luhn_check_digit(number[:-1]) == number[-1]


def new_card_number() -> str:
    body = BIN + "".join(str(secrets.randbelow(10)) for _ in range(11))
    return body + luhn_check_digit(body)


def mask(number: str) -> str:
    return f"{number[:4]} **** **** {number[-4:]}"


def number_hash(card_id: str, number: str) -> str:
    return hashlib.sha256(f"{card_id}:{number}".encode()).hexdigest()


async def card_of(sandbox: Sandbox, card_id: str, user_id: int) -> tuple[sqlite3.Row, NivoWallet]:
    key = normalize_uuid(card_id)

    def read(conn: sqlite3.Connection) -> tuple[sqlite3.Row | None, NivoWallet | None]:
        row = card_in(conn, key) if key else None
        return row, (get_wallet_in(conn, row["wallet_id"]) if row is not None else None)

    row, wallet = await sandbox.db.read(read)
    if row is None or wallet is None:
        raise NivoError("NOT_FOUND", "Card not found")
    if row["user_id"] != user_id:
        raise NivoError("FORBIDDEN", "Card does not belong to the authenticated user")
    return row, wallet


@dataclass(frozen=True)
class IssuedCard:
    """A new card's row and the details shown once (never stored: only the masked number and a hash)."""

    row: sqlite3.Row
    number: str
    cvv: str
    expiry_month: int
    expiry_year: int


def _holder_name(given: str | None, full_name: str) -> str:
    holder = " ".join((given or full_name).split())
    if not 2 <= len(holder) <= 26 or not all(ch.isalpha() or ch in " .'-" for ch in holder):
        raise NivoError("VALIDATION_ERROR", "card_holder_name must be 2-26 letters (spaces, . ' - allowed)")
    return holder


async def issue_card(sandbox: Sandbox, user: User, w: NivoWallet, holder_name: str | None) -> IssuedCard:
    """A card on an active wallet, its limits the defaults capped by the wallet's; at most
    ``MAX_CARDS_PER_WALLET`` live cards per wallet (counted in the same write)."""
    holder = _holder_name(holder_name, user.full_name)
    require_active(w)
    card_id = str(uuid.uuid4())
    number = new_card_number()
    cvv = f"{secrets.randbelow(1000):03d}"
    now = sandbox.clock.time()
    dt = utc_from_ts(now)
    expiry_month, expiry_year = dt.month, dt.year + VALID_YEARS
    scale = 10 ** exponent(w.currency)
    daily, monthly = (
        min(DEFAULT_DAILY_MAJOR * scale, w.daily_limit),
        min(DEFAULT_MONTHLY_MAJOR * scale, w.monthly_limit),
    )
    values = (card_id, w.id, user.id, mask(number), number[-4:], number_hash(card_id, number), holder)
    values += (expiry_month, expiry_year, daily, monthly, now, now)

    def run(conn: sqlite3.Connection) -> sqlite3.Row | None:
        if live_card_count_in(conn, w.id) >= MAX_CARDS_PER_WALLET:
            raise NivoError("LIMIT_EXCEEDED", f"A wallet can have at most {MAX_CARDS_PER_WALLET} active cards")
        insert_card_in(conn, values)
        return card_in(conn, card_id)

    row = await sandbox.db.write(run)
    return IssuedCard(row, number, cvv, expiry_month, expiry_year)


async def cards_of_wallet(sandbox: Sandbox, wallet_id: str) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = await sandbox.db.read(lambda conn: cards_of_wallet_in(conn, wallet_id))
    return rows


async def set_status(sandbox: Sandbox, row: sqlite3.Row, allowed: tuple[str, ...], target: str) -> sqlite3.Row:
    """Move a card from one of ``allowed`` to ``target``; CONFLICT (in plain words) from any other status."""
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> sqlite3.Row | None:
        moved = move_card_status_in(conn, row["id"], allowed, target, now)
        current = card_in(conn, row["id"])
        if moved != 1 and current is not None:
            raise NivoError("CONFLICT", _refusal(current["status"], target))
        return current

    updated: sqlite3.Row = await sandbox.db.write(run)
    return updated


def _refusal(status: str, target: str) -> str:
    if status == "cancelled":
        return "Card is cancelled; a cancelled card cannot be changed"
    if status == target:
        return f"Card is already {status}"
    return f"Card is {status}"


def _limit(value: s.Amount, currency: str, field: str) -> int:
    """A card limit in minor units; the core's refusal in plain words naming ``field``."""
    try:
        return parse_amount(value, currency)
    except ValidationFailed as exc:
        raise NivoError("VALIDATION_ERROR", invalid_amount_message(exc, field) or exc.message) from None


def _new_limits(row: sqlite3.Row, w: NivoWallet, data: s.CardLimitsRequest) -> tuple[int, int]:
    """(daily, monthly) asked for (the card's own where not given), checked against each other and the wallet."""
    if data.daily_limit is None and data.monthly_limit is None:
        raise NivoError("VALIDATION_ERROR", "Give daily_limit and/or monthly_limit")
    daily = (
        _limit(data.daily_limit, w.currency, "daily_limit") if data.daily_limit is not None else int(row["daily_limit"])
    )
    monthly = (
        _limit(data.monthly_limit, w.currency, "monthly_limit")
        if data.monthly_limit is not None
        else int(row["monthly_limit"])
    )
    if daily > monthly:
        raise NivoError("VALIDATION_ERROR", "daily_limit cannot be greater than monthly_limit")
    if daily > w.daily_limit:
        raise NivoError(
            "LIMIT_EXCEEDED",
            f"daily_limit cannot exceed the wallet's daily limit of {render.amount_number(w.daily_limit, w.currency)}",
        )
    if monthly > w.monthly_limit:
        raise NivoError(
            "LIMIT_EXCEEDED",
            f"monthly_limit cannot exceed the wallet's monthly limit of "
            f"{render.amount_number(w.monthly_limit, w.currency)}",
        )
    return daily, monthly


async def update_limits(sandbox: Sandbox, row: sqlite3.Row, w: NivoWallet, data: s.CardLimitsRequest) -> sqlite3.Row:
    """New limits of an active card; a frozen or cancelled one is CONFLICT."""
    daily, monthly = _new_limits(row, w, data)
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> sqlite3.Row | None:
        changed = set_card_limits_in(conn, row["id"], daily, monthly, now)
        current = card_in(conn, row["id"])
        if changed != 1 and current is not None:
            if current["status"] == "frozen":
                raise NivoError("CONFLICT", "Card is frozen; unfreeze it before changing limits")
            raise NivoError("CONFLICT", _refusal(current["status"], "active"))
        return current

    updated: sqlite3.Row = await sandbox.db.write(run)
    return updated
