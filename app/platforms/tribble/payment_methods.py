"""Payment methods: cards (Luhn, brand from BIN, tokenised by the card simulator) and bank accounts.

Only the card token, last four digits, brand and expiry are stored; the card number and CVV
never reach the database. Bank account numbers are stored masked (``****5678``).
The rules are here; the handlers are in routes/payment_methods.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from app.core.errors import DomainError
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.render import mask_account, new_id, ts
from app.platforms.tribble.schemas import PaymentMethodIn, PaymentMethodOut
from app.platforms.tribble.store import payment_methods as store
from app.runtime import Sandbox

_DIGITS = re.compile(r"^\d+$")


def card_expired(sandbox: Sandbox, month: int, year: int) -> bool:
    now = datetime.fromtimestamp(sandbox.clock.time(), UTC)
    return (year, month) < (now.year, now.month)


def _card_failed(message: str, field: str) -> TribbleError:
    return TribbleError("UNPROCESSABLE_ENTITY", "Card validation failed", {"field": field, "message": message})


async def _add_card(sandbox: Sandbox, user_id: int, data: PaymentMethodIn) -> dict[str, Any]:
    number = re.sub(r"[\s-]", "", data.card_number or "")
    if not number:
        raise invalid("cardNumber", "cardNumber is required")
    if not _DIGITS.match(number) or not 12 <= len(number) <= 19:
        raise invalid("cardNumber", "cardNumber must be 12-19 digits")
    name = (data.cardholder_name or "").strip()
    if not name:
        raise invalid("cardholderName", "cardholderName is required")
    month, year = data.expiry_month, data.expiry_year
    if month is None or not 1 <= month <= 12:
        raise invalid("expiryMonth", "expiryMonth must be 1-12")
    if year is None:
        raise invalid("expiryYear", "expiryYear is required")
    if 0 <= year < 100:
        year += 2000
    if not 2000 <= year <= 2100:
        raise invalid("expiryYear", "expiryYear must be a four-digit year")
    cvv = (data.cvv or "").strip()
    if not _DIGITS.match(cvv) or not 3 <= len(cvv) <= 4:
        raise invalid("cvv", "cvv must be 3 or 4 digits")
    info = sandbox.simulators.cards.inspect(number)
    if not info.luhn_ok:
        raise _card_failed("Card number failed the Luhn check", "cardNumber")
    if card_expired(sandbox, month, year):
        raise _card_failed("Card has expired", "expiryYear")
    if info.brand == "AMEX" and len(cvv) != 4:
        raise invalid("cvv", "American Express cards have a 4-digit CVV")
    try:
        token = await sandbox.simulators.cards.tokenize(number, month, year, cvv)
    except DomainError as exc:
        raise _card_failed(exc.message, "cardNumber") from None
    return {
        "type": "card",
        "card_token": token.token,
        "last4": info.last4,
        "brand": info.brand,
        "cardholder_name": name,
        "expiry_month": month,
        "expiry_year": year,
    }


def _add_bank(data: PaymentMethodIn) -> dict[str, Any]:
    number = re.sub(r"[\s-]", "", data.account_number or "")
    if not number:
        raise invalid("accountNumber", "accountNumber is required")
    if not _DIGITS.match(number) or not 6 <= len(number) <= 20:
        raise invalid("accountNumber", "accountNumber must be 6-20 digits")
    bank_name = (data.bank_name or "").strip()
    if not bank_name:
        raise invalid("bankName", "bankName is required")
    holder = (data.account_holder or "").strip()
    if not holder:
        raise invalid("accountHolder", "accountHolder is required")
    return {
        "type": "bank_account",
        "bank_name": bank_name,
        "bank_code": (data.bank_code or "").strip() or None,
        "account_masked": mask_account(number),
        "account_holder": holder,
        "last4": number[-4:],
    }


def render(row: Any, *, full: bool = False, message: str | None = None) -> PaymentMethodOut:
    if row["type"] == "card":
        return PaymentMethodOut(
            payment_method_id=row["id"],
            type="card",
            last4_digits=row["last4"],
            cardholder_name=row["cardholder_name"] if full else None,
            expiry_month=row["expiry_month"],
            expiry_year=row["expiry_year"],
            brand=row["brand"],
            is_default=bool(row["is_default"]),
            is_active=bool(row["is_active"]),
            created_at=ts(row["created_at"]) if full else None,
            message=message,
        )
    return PaymentMethodOut(
        payment_method_id=row["id"],
        type="bank_account",
        bank_name=row["bank_name"],
        bank_code=row["bank_code"] if full else None,
        account_number=row["account_masked"],
        account_holder=row["account_holder"],
        is_default=bool(row["is_default"]),
        is_active=bool(row["is_active"]),
        created_at=ts(row["created_at"]) if full else None,
        message=message,
    )


async def owned_method(sandbox: Sandbox, user_id: int, method_id: str, field: str = "paymentMethodId") -> Any:
    row = await sandbox.db.read(lambda conn: store.owned_method(conn, method_id, user_id))
    if row is None:
        raise TribbleError("NOT_FOUND", "Payment method not found", {"field": field, "paymentMethodId": method_id})
    return row


def ensure_usable(sandbox: Sandbox, row: Any) -> None:
    if not row["is_active"]:
        raise TribbleError("UNPROCESSABLE_ENTITY", "Payment method is not active", {"paymentMethodId": row["id"]})
    if row["type"] == "card" and card_expired(sandbox, int(row["expiry_month"]), int(row["expiry_year"])):
        raise TribbleError("UNPROCESSABLE_ENTITY", "Card has expired", {"paymentMethodId": row["id"]})


async def add_method(sandbox: Sandbox, user_id: int, data: PaymentMethodIn) -> tuple[Any, str]:
    """Validate and store a card (tokenised by the card simulator) or a bank account: (its row, the message)."""
    if data.type == "card":
        fields = await _add_card(sandbox, user_id, data)
        prefix, message = "card", "Card added successfully. Card has been tokenized."
    elif data.type == "bank_account":
        fields = _add_bank(data)
        prefix, message = "bank", "Bank account added successfully."
    else:
        raise invalid("type", "type must be 'card' or 'bank_account'")
    method_id = new_id(prefix)
    now = sandbox.clock.time()

    row = await sandbox.db.write(
        lambda conn: store.insert_method(conn, method_id, user_id, data.is_default, now, fields)
    )
    return row, message


async def methods_of(sandbox: Sandbox, user_id: int) -> list[Any]:
    """The user's payment methods (deleted ones left out)."""
    return await sandbox.db.read(lambda conn: store.methods_of_user(conn, user_id))


async def remove_method(sandbox: Sandbox, user_id: int, method_id: str) -> Any:
    """Delete one of the user's payment methods (404 for another user's): its row as it was."""
    row = await owned_method(sandbox, user_id, method_id)
    now = sandbox.clock.time()

    await sandbox.db.write(lambda conn: store.delete_method(conn, row, user_id, now))
    return row
