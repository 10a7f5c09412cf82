"""Nivo's error envelope and code table; core errors and framework errors mapped onto it.

``{"success": false, "error": {"code": "...", "message": "..."}}`` with the statuses of the
document's "Error Code Reference" table (INSUFFICIENT_FUNDS is 412 per that table).

The same table is the one source of the OpenAPI error responses (``CATALOGUE``, read by
``app/openapi_finish.py``). Statuses of an operation:

- 429 ``RATE_LIMIT_EXCEEDED`` on every route (100 a minute per user, 20 a minute per IP on
  register and login: ``auth.py``);
- 401 ``UNAUTHORIZED`` and 403 ``FORBIDDEN`` (a User-Admin token where a user's is needed, and the
  other way round) where the handler takes ``caller`` or ``portal_caller``;
- 400 ``VALIDATION_ERROR`` where Litestar validates a body or query;
- 404 ``NOT_FOUND`` and 403 ``FORBIDDEN`` (someone else's) where the path names a resource;
- the codes the handler raises itself: ``RAISES``.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, NotFoundException

from app import openapi_errors as oe
from app.core.errors import (
    AccountUnavailable,
    Conflict,
    DomainError,
    Forbidden,
    IdempotencyMismatch,
    InsufficientFunds,
    LimitExceeded,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from app.lean_response import Response
from app.wording import invalid_amount_message, request_problems, sentence

log = logging.getLogger("paysandbox.nivo")

# The document's code table: code -> HTTP status.
CODE_STATUS: dict[str, int] = {
    "NOT_FOUND": 404,
    "BAD_REQUEST": 400,
    "VALIDATION_ERROR": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "CONFLICT": 409,
    "RATE_LIMIT_EXCEEDED": 429,
    "INSUFFICIENT_FUNDS": 412,
    "ACCOUNT_FROZEN": 412,
    "LIMIT_EXCEEDED": 412,
    "VERIFICATION_REQUIRED": 202,
    "VERIFICATION_EXPIRED": 410,
    "INVALID_OTP": 400,
    "INTERNAL_ERROR": 500,
}


class NivoError(Exception):
    """An error raised by Nivo's own routes with one of the table's codes."""

    def __init__(self, code: str, message: str, *, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else CODE_STATUS[code]
        self.headers = headers or {}


def envelope(code: str, message: str) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message}}


# Wording for well-known core codes.
_MESSAGES: dict[str, str] = {
    "email_taken": "A user with this email already exists",
    "phone_taken": "A user with this phone number already exists",
    "invalid_credentials": "Invalid email or password",
    "user_not_found": "Invalid email or password",
    "invalid_token": "Missing or invalid token",
    "token_expired": "Token has expired",
    "token_revoked": "Token has been revoked",
    "account_locked": "Account is frozen",
    "account_inactive": "Account is frozen",
    "invalid_otp": "Invalid OTP code",
    "otp_expired": "Verification has expired; start the operation again",
    "otp_locked": "Too many wrong OTP attempts; start the operation again",
    "idempotency_mismatch": "Idempotency-Key was already used with different parameters",
}


def map_domain_error(exc: DomainError) -> tuple[str, int, str]:
    """(Nivo code, HTTP status, message) for a core error."""
    message = _MESSAGES.get(exc.code, exc.message)
    if isinstance(exc, InsufficientFunds):
        return "INSUFFICIENT_FUNDS", 412, "Wallet balance insufficient for this transaction"
    if isinstance(exc, AccountUnavailable):
        return "ACCOUNT_FROZEN", 412, message
    if isinstance(exc, LimitExceeded):
        return "LIMIT_EXCEEDED", 412, exc.message
    if isinstance(exc, RateLimited):
        return "RATE_LIMIT_EXCEEDED", 429, exc.message or "Too many requests"
    if isinstance(exc, IdempotencyMismatch):
        return "CONFLICT", 409, message
    if isinstance(exc, NotFound):
        if exc.code == "user_not_found":
            return "UNAUTHORIZED", 401, message
        return "NOT_FOUND", 404, exc.message
    if isinstance(exc, Conflict):
        return "CONFLICT", 409, message
    if isinstance(exc, Unauthorized):
        return "UNAUTHORIZED", 401, message
    if isinstance(exc, Forbidden):
        return "FORBIDDEN", 403, exc.message
    if exc.code == "invalid_otp":
        return "INVALID_OTP", 400, message
    if exc.code in ("otp_expired", "otp_locked"):
        return "VERIFICATION_EXPIRED", 410, message
    if exc.code == "invalid_verification_token":
        return "FORBIDDEN", 403, "Verification token is invalid or already used"
    if isinstance(exc, ValidationFailed):
        return "VALIDATION_ERROR", 400, invalid_amount_message(exc) or exc.message
    return "BAD_REQUEST", 400, exc.message


def _validation_message(request: Request[Any, Any, Any], exc: Exception) -> tuple[str, str] | None:
    """(code, message) for a request refused before a handler ran, in plain words; None for other errors.

    A body that is not JSON at all is ``BAD_REQUEST``; a field that fails validation ``VALIDATION_ERROR``.
    """
    problems = request_problems(exc, request)
    if problems is None:
        return None
    code = "BAD_REQUEST" if any(problem.not_json for problem in problems) else "VALIDATION_ERROR"
    return code, sentence(problems)


_HTTP_CODES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 429: "RATE_LIMIT_EXCEEDED"}


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Render any exception raised under Nivo's paths in Nivo's envelope (never a bare 500)."""
    headers: dict[str, str] = {}
    if isinstance(exc, NivoError):
        code, status, message = exc.code, exc.status, exc.message
        headers.update(exc.headers)
    elif isinstance(exc, DomainError):
        code, status, message = map_domain_error(exc)
        if isinstance(exc, RateLimited) and exc.details.get("retry_after") is not None:
            headers["Retry-After"] = str(exc.details["retry_after"])
    elif (refused := _validation_message(request, exc)) is not None:
        # Validation, a body that is not JSON (also nested too deep or not UTF-8): the client's fault.
        (code, message), status = refused, 400
    elif isinstance(exc, NotFoundException):
        code, status, message = "NOT_FOUND", 404, "Resource not found"
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        code = _HTTP_CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR")
        message = str(exc.detail)
        if exc.headers:
            headers.update(exc.headers)
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        code, status, message = "INTERNAL_ERROR", 500, "Internal server error"
    return Response(envelope(code, message), status_code=status, headers=headers or None)


# -- the OpenAPI error responses ---------------------------------------------------------------
ENVELOPE = "NivoError"
COMPONENTS: dict[str, dict[str, Any]] = {
    ENVELOPE: oe.object_schema(
        "Every Nivo error (nivo-flows.md, Error Code Reference).",
        ["success", "error"],
        {
            "success": {"type": "boolean", "enum": [False]},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": sorted(c for c, s in CODE_STATUS.items() if s >= 400)},
                    "message": {"type": "string"},
                },
            },
        },
    )
}

_MONEY = ("NOT_FOUND", "FORBIDDEN", "CONFLICT", "BAD_REQUEST", "ACCOUNT_FROZEN", "LIMIT_EXCEEDED")
# operationId -> the codes its handler (or what it calls) raises beyond the derived ones.
RAISES: dict[str, tuple[str, ...]] = {
    "nivoRegister": ("CONFLICT",),
    "nivoLogin": ("UNAUTHORIZED", "FORBIDDEN", "ACCOUNT_FROZEN"),
    "nivoChangePassword": ("FORBIDDEN", "VERIFICATION_EXPIRED"),
    "nivoVerifyOtp": ("CONFLICT", "INVALID_OTP", "VERIFICATION_EXPIRED"),
    "nivoCreateWallet": ("CONFLICT",),
    "nivoActivateWallet": ("CONFLICT",),
    "nivoFreezeWallet": ("CONFLICT",),
    "nivoUnfreezeWallet": ("CONFLICT",),
    "nivoUpiDeposit": ("BAD_REQUEST", "ACCOUNT_FROZEN", "LIMIT_EXCEEDED"),
    "nivoAddBeneficiary": ("BAD_REQUEST", "CONFLICT", "NOT_FOUND", "VERIFICATION_EXPIRED"),
    "nivoCreateCard": ("BAD_REQUEST", "ACCOUNT_FROZEN", "LIMIT_EXCEEDED"),
    "nivoFreezeCard": ("CONFLICT",),
    "nivoUnfreezeCard": ("CONFLICT",),
    "nivoCancelCard": ("CONFLICT",),
    "nivoCardLimits": ("CONFLICT", "LIMIT_EXCEEDED"),
    "nivoDeposit": _MONEY,
    "nivoWithdrawal": (*_MONEY, "INSUFFICIENT_FUNDS"),
    "nivoTransfer": (*_MONEY, "INSUFFICIENT_FUNDS", "VERIFICATION_EXPIRED"),
}


STATUSES = oe.StatusRules(
    rules=(
        (oe.always, {429: ("RATE_LIMIT_EXCEEDED",)}),
        (oe.validated, {400: ("VALIDATION_ERROR",)}),
        (oe.takes("caller", "portal_caller"), {401: ("UNAUTHORIZED",), 403: ("FORBIDDEN",)}),
        (oe.names_resource, {404: ("NOT_FOUND",)}),
    ),
    raises={operation: oe.by_status(CODE_STATUS, codes) for operation, codes in RAISES.items()},
)

CATALOGUE = oe.ErrorCatalogue(
    platform="nivo",
    components=COMPONENTS,
    statuses=STATUSES,
    envelope=ENVELOPE,
)
