"""Cards (FUTURE, feature-flagged): issuing (Luhn-valid numbers on Drop's BIN, only last4 kept), the
user's own cards, PINs (bcrypt-hashed off the event loop) and the spending limit types."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3

import bcrypt

from app.core.card_numbers import luhn_check_digit
from app.platforms.drop import render
from app.platforms.drop.errors import not_found
from app.platforms.drop.store import cards as store
from app.runtime import Sandbox

LIMIT_TYPES = ("daily", "weekly", "monthly", "transaction")
BIN = "457123"  # a Visa BIN for Drop's (simulated) issuing partner
CARD_TYPES = ("virtual", "physical")


def luhn_number(prefix: str, length: int = 16) -> str:
    body = prefix + "".join(secrets.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


async def own_card(sandbox: Sandbox, user_id: int, card_id: str, *, allow_cancelled: bool = False) -> sqlite3.Row:
    """The user's card; 404 ``Card not found`` for another's, a missing one or (unless allowed) a cancelled one."""
    row = await store.card_of(sandbox.db, card_id, user_id)
    if row is None or (row["status"] == "cancelled" and not allow_cancelled):
        raise not_found("Card not found")
    return row


async def issue_card(sandbox: Sandbox, user_id: int, card_type: str) -> str:
    """A new active card (a physical one is ``ordered``), valid three years; its id."""
    now = sandbox.clock.time()
    expiry = sandbox.clock.now()
    number = luhn_number(BIN)
    card_id = render.new_id("card")
    physical_status = "ordered" if card_type == "physical" else None
    await store.insert_card(
        sandbox.db, card_id, user_id, card_type, number[-4:], expiry.month, expiry.year + 3, physical_status, now
    )
    return card_id


async def set_pin(sandbox: Sandbox, card_id: str, pin: str) -> None:
    rounds = max(4, int(sandbox.settings.bcrypt_rounds))
    hashed = await asyncio.to_thread(lambda: bcrypt.hashpw(pin.encode(), bcrypt.gensalt(rounds)).decode())
    await store.set_pin_hash(sandbox.db, card_id, hashed, sandbox.clock.time())
