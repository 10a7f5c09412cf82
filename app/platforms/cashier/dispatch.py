"""One frame in, one reply out: size and JSON checks, rate limit, request-type routing, data validation.

Every failure becomes an ``error`` reply; nothing here closes the socket. The client's optional
top-level ``id`` (a string or number) is echoed on the reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from app.platforms.cashier import render, schemas
from app.platforms.cashier.errors import INVALID_FORMAT, RATE_LIMITED, message_for
from app.platforms.cashier.routes import (
    accounts,
    deposits,
    fees,
    history,
    partners,
    statements,
    transfers,
    verification,
    withdrawals,
)
from app.platforms.cashier.session import Reply, Session
from app.wording import body_problem, from_msgspec
from app.wording.problems import TOO_LARGE

MAX_FRAME_BYTES = 64 * 1024
RATE_LIMIT = 100
RATE_WINDOW = 60.0
RATE_BUCKET = "cashier"

Handler = Callable[[Session, Any], Awaitable[Reply]]

# Every request type of the contract -> (the Struct of its data, its handler in ``routes``).
OPERATIONS: dict[str, tuple[type[schemas.CashierRequest], Handler]] = {
    "verification_request": (schemas.VerificationRequest, verification.verification_request),
    "verify_otp": (schemas.VerifyCode, verification.verify_otp),
    "verify_totp": (schemas.VerifyCode, verification.verify_totp),
    "get_partners": (schemas.GetPartners, partners.get_partners),
    "get_accounts": (schemas.Empty, accounts.get_accounts),
    "get_account_balance": (schemas.AccountRef, accounts.get_account_balance),
    "get_owner_summary": (schemas.Empty, accounts.get_owner_summary),
    "deposit_request": (schemas.DepositRequest, deposits.deposit_request),
    "get_deposit_status": (schemas.RequestRef, deposits.get_deposit_status),
    "cancel_deposit": (schemas.RequestRef, deposits.cancel_deposit),
    "withdraw_request": (schemas.WithdrawRequest, withdrawals.withdraw_request),
    "transfer": (schemas.Transfer, transfers.transfer),
    "convert_and_transfer": (schemas.ConvertAndTransfer, transfers.convert_and_transfer),
    "get_history": (schemas.History, history.get_history),
    "get_transaction_by_receipt": (schemas.Receipt, history.get_transaction_by_receipt),
    "get_account_statement": (schemas.AccountStatement, statements.get_account_statement),
    "get_owner_statement": (schemas.OwnerStatement, statements.get_owner_statement),
    "get_ledgers": (schemas.Ledgers, statements.get_ledgers),
    "calculate_fee": (schemas.CalculateFee, fees.calculate_fee),
}


def validation_message(exc: msgspec.ValidationError, struct: type[schemas.CashierRequest] | None = None) -> str:
    """msgspec's refusal of a request's ``data`` in plain words: "currency is required", "amount must be a number"."""
    return from_msgspec(exc, root=struct, whole="data").message


def undecodable_message(exc: msgspec.DecodeError, raw: str | bytes) -> str:
    """A frame the JSON decoder refused: the documented "invalid request format", except for valid JSON
    holding a number beyond any double (``1e999``), which names the field: "amount is too large"."""
    body = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    problem = body_problem(exc, body)
    if problem.kind == TOO_LARGE and problem.field:
        return f"{problem.field.removeprefix('data.')} is too large"
    return INVALID_FORMAT


def _request_id(frame: dict[str, Any]) -> Any:
    value = frame.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return value[:200]
    return None


def _rate_limited(session: Session) -> bool:
    limiter = getattr(session.sandbox, "ratelimits", None)
    if limiter is None:
        return False
    decision = limiter.hit(RATE_BUCKET, str(session.user_id), RATE_LIMIT, RATE_WINDOW)
    return not decision.allowed


async def handle_frame(session: Session, raw: str | bytes | None) -> dict[str, Any]:
    """The reply (``success`` or ``error`` envelope) to one client frame."""
    now = session.now()
    if raw is None:
        return render.error(INVALID_FORMAT, now)
    size = len(raw.encode("utf-8", "replace")) if isinstance(raw, str) else len(raw)
    if size > MAX_FRAME_BYTES:
        if _rate_limited(session):
            return render.error(RATE_LIMITED, now)
        return render.error(f"message too large: maximum {MAX_FRAME_BYTES} bytes", now)
    refusal = INVALID_FORMAT
    try:
        frame = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        frame, refusal = None, undecodable_message(exc, raw)
    except (RecursionError, ValueError):  # deep nesting raises RecursionError
        frame = None
    if not isinstance(frame, dict):
        if _rate_limited(session):
            return render.error(RATE_LIMITED, now)
        return render.error(refusal, now)
    request_id = _request_id(frame)
    if frame.get("type") == "ping":
        return render.envelope("pong", {}, now, request_id=request_id)
    if _rate_limited(session):
        return render.error(RATE_LIMITED, now, request_id=request_id)
    kind = frame.get("type")
    if not isinstance(kind, str) or not kind:
        return render.error(INVALID_FORMAT, now, request_id=request_id)
    operation = OPERATIONS.get(kind)
    if operation is None:
        return render.error(f"unknown message type: {kind[:64]}", now, request_id=request_id)
    data = frame.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return render.error(INVALID_FORMAT, now, request_id=request_id)
    struct, handler = operation
    try:
        request = msgspec.convert(data, struct)
    except msgspec.ValidationError as exc:
        return render.error(validation_message(exc, struct), now, request_id=request_id)
    try:
        reply = await handler(session, request)
    except Exception as exc:
        session.after_reply.clear()
        return render.error(message_for(exc), session.now(), request_id=request_id)
    return render.success(reply.message, reply.payload, session.now(), request_id=request_id)
