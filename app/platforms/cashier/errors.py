"""Core errors -> Cashier's error messages (the documented phrases), and the HTTP fallback envelope.

Every error a Cashier client sees is ``{"type": "error", "data": {"message": ...}, "timestamp"}``.
Handlers raise ``CashierError(message)`` for their own refusals; core ``DomainError`` codes are
translated by ``message_for`` into the wording of the contract's error table.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException

from app.core.errors import DomainError
from app.lean_response import Response
from app.platforms.base import request_clock_time
from app.platforms.cashier.render import envelope
from app.wording import invalid_amount_message

log = logging.getLogger("paysandbox.cashier")

WS_PATH = "/cashier/svc/ws"

# The documented phrases (contract "Error Handling" table and examples).
INVALID_FORMAT = "invalid request format"
UNAUTHORIZED = "unauthorized"
TOKEN_REQUIRED = "verification_token is required. Please complete verification first."
TOKEN_INVALID = "invalid or expired verification token. Please verify again."
ACCOUNT_NOT_FOUND = "account not found"
NO_ACCOUNTS = "user has no accounts"
TRANSACTION_NOT_FOUND = "transaction not found"
AMOUNT_NOT_POSITIVE = "amount must be greater than zero"
TOTP_NOT_ENABLED = "2FA is not enabled for your account. Please use OTP verification instead."
INVALID_OTP = "invalid OTP code"
RATE_LIMITED = "rate limit exceeded"
INTERNAL = "internal error"


class CashierError(Exception):
    """A refusal in Cashier's own words; becomes ``{"type": "error", "data": {"message"}}``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_BY_CODE: dict[str, str] = {
    "amount_not_positive": AMOUNT_NOT_POSITIVE,
    "account_not_found": ACCOUNT_NOT_FOUND,
    "invalid_verification_token": TOKEN_INVALID,
    "invalid_otp": INVALID_OTP,
    "otp_expired": "OTP code has expired. Please request a new one.",
    "otp_locked": "too many failed attempts. Please request a new OTP.",
    "totp_not_enabled": TOTP_NOT_ENABLED,
    "invalid_token": UNAUTHORIZED,
    "token_expired": UNAUTHORIZED,
    "token_revoked": UNAUTHORIZED,
    "unauthorized": UNAUTHORIZED,
    "account_locked": "account is locked",
    "account_inactive": "account is inactive",
    "currency_mismatch": "currency mismatch",
    "same_account": "cannot transfer to the same account",
    "user_not_found": "user not found",
    "idempotency_mismatch": "idempotency key already used with different parameters",
    "rate_limited": RATE_LIMITED,
    "hold_not_open": "transaction is no longer pending",
}


def insufficient_message(exc: DomainError) -> str:
    from app.core.money import format_amount

    available = exc.details.get("available")
    currency = exc.details.get("currency")
    if isinstance(available, int) and isinstance(currency, str):
        return f"insufficient balance: available {format_amount(max(available, 0), currency)} {currency}"
    return "insufficient balance"


def message_for(exc: BaseException) -> str:
    """The Cashier message for any exception raised while serving a request."""
    if isinstance(exc, CashierError):
        return exc.message
    if isinstance(exc, DomainError):
        if exc.code == "insufficient_funds":
            return insufficient_message(exc)
        if exc.code == "invalid_amount":  # "amount is too large (at most ...)", else "amount must be a number"
            return invalid_amount_message(exc) or "amount must be a number"
        if exc.code == "too_many_decimals":
            decimals = exc.details.get("decimals")
            return f"amount has too many decimal places (maximum {decimals})"
        if exc.code == "unsupported_currency":
            return f"unsupported currency: {exc.details.get('currency', '')}".rstrip()
        if exc.code in _BY_CODE:
            return _BY_CODE[exc.code]
        if exc.code == "not_found":
            return exc.message.lower() if exc.message else "not found"
        return exc.message or exc.code
    log.exception("unexpected error in a cashier handler", exc_info=exc)
    return INTERNAL


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Plain HTTP requests under /cashier (not a WebSocket upgrade) get Cashier's envelope."""
    status = 400
    message = message_for(exc)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        message = str(exc.detail).lower() if exc.detail else "error"
        if status == 404:
            message = "not found"
        elif status == 405 and request.url.path.rstrip("/") == WS_PATH:
            status, message = 426, "websocket upgrade required"
        elif status == 405:
            message = "method not allowed"
    elif message == INTERNAL:
        status = 500
    elif message == UNAUTHORIZED:
        status = 401
    return Response(envelope("error", {"message": message}, _now(request)), status_code=status)


def _now(request: Request[Any, Any, Any]) -> float:
    now = request_clock_time(request)
    return now if now is not None else 0.0
