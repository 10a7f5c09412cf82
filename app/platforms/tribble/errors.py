"""Tribble's error envelope, error-code table, and the OpenAPI error catalogue (``CATALOGUE``).

Every failure under ``/api/v1`` (Tribble's own errors, core ``DomainError``s and Litestar's
validation / routing errors) is rendered as::

    {"statusCode", "errorCode", "message", "details", "timestamp", "requestId"}
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import Request
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)

from app import openapi_errors as oe
from app.core.clock import iso
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
from app.platforms.base import request_clock_time
from app.wording import Problem, invalid_amount_message, request_problems

log = logging.getLogger("paysandbox.tribble")

# The documented error codes and their HTTP status.
ERROR_STATUS: dict[str, int] = {
    "INVALID_REQUEST": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "UNPROCESSABLE_ENTITY": 422,
    "RATE_LIMITED": 429,
    "INSUFFICIENT_FUNDS": 402,
    "TRANSACTION_FAILED": 400,
    "FRAUD_BLOCK": 403,
    "KYC_INCOMPLETE": 403,
    "MERCHANT_INACTIVE": 403,
    "SUBSCRIPTION_ACTIVE": 409,
    "DISPUTE_EXPIRED": 400,
    "INTERNAL_SERVER_ERROR": 500,
    # Not in the table; used for a wrong HTTP method on a known path.
    "METHOD_NOT_ALLOWED": 405,
}


class TribbleError(Exception):
    """An error in Tribble's own words: ``raise TribbleError("NOT_FOUND", "Wallet not found")``."""

    def __init__(
        self,
        error_code: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.status = status or ERROR_STATUS.get(error_code, 400)
        self.message = message
        self.details = details or {}
        self.headers = headers or {}
        # Extra top-level fields (the 429 body has retryAfter/resetAt).
        self.extra = extra or {}


def invalid(field: str, message: str) -> TribbleError:
    """400 INVALID_REQUEST naming one field."""
    return TribbleError("INVALID_REQUEST", "The request is invalid", {"field": field, "message": message})


def invalid_amount(field: str, exc: DomainError) -> TribbleError:
    """400 INVALID_REQUEST for an amount the core refused, in plain words ("amount is too large ...")."""
    return invalid(field, invalid_amount_message(exc, field) or exc.message)


def request_id_of(request: Request[Any, Any, Any]) -> str:
    """The request's id: the edge keeps it in ``scope["state"]`` for every HTTP request; the client's
    X-Request-ID or a fresh id only where no edge ran."""
    state = request.scope.get("state") or {}
    rid = state.get("request_id") if isinstance(state, dict) else None
    rid = rid or request.headers.get("x-request-id") or f"req_{uuid.uuid4().hex[:16]}"
    return str(rid)[:200]


def _now(request: Request[Any, Any, Any]) -> str:
    now = request_clock_time(request)
    return iso(now) if now is not None else ""


_CORE_CODES: dict[str, tuple[str, str | None]] = {
    # core code -> (Tribble errorCode, message override)
    "insufficient_funds": ("INSUFFICIENT_FUNDS", "Wallet has insufficient funds"),
    "email_taken": ("CONFLICT", "Email already registered"),
    "phone_taken": ("CONFLICT", "Phone number already registered"),
    "invalid_credentials": ("UNAUTHORIZED", "Invalid credentials"),
    "user_not_found": ("NOT_FOUND", "User not found"),
    "account_locked": ("FORBIDDEN", "Account is locked"),
    "account_suspended": ("FORBIDDEN", "Account is suspended"),
    "account_deleted": ("FORBIDDEN", "Account is deleted"),
    "account_inactive": ("FORBIDDEN", "Account is inactive"),
    "invalid_token": ("UNAUTHORIZED", "Invalid or missing authentication token"),
    "token_expired": ("UNAUTHORIZED", "Authentication token has expired"),
    "token_revoked": ("UNAUTHORIZED", "Authentication token has been revoked"),
    "idempotency_mismatch": ("UNPROCESSABLE_ENTITY", "Idempotency-Key reused with different parameters"),
}


def from_domain(exc: DomainError) -> TribbleError:
    mapped = _CORE_CODES.get(exc.code)
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int | float | bool | list) or v is None}
    if mapped is not None:
        code, message = mapped
        return TribbleError(code, message or exc.message, details)
    if isinstance(exc, InsufficientFunds):
        return TribbleError("INSUFFICIENT_FUNDS", "Wallet has insufficient funds", details)
    if isinstance(exc, NotFound):
        return TribbleError("NOT_FOUND", exc.message, details)
    if isinstance(exc, Conflict):
        return TribbleError("CONFLICT", exc.message, details)
    if isinstance(exc, Unauthorized):
        return TribbleError("UNAUTHORIZED", exc.message, details)
    if isinstance(exc, Forbidden | AccountUnavailable):
        return TribbleError("FORBIDDEN", exc.message, details)
    if isinstance(exc, RateLimited):
        return TribbleError("RATE_LIMITED", "Too many requests. Please try again later.", details)
    if isinstance(exc, LimitExceeded):
        return TribbleError("KYC_INCOMPLETE", exc.message, details)
    if isinstance(exc, IdempotencyMismatch):
        return TribbleError("UNPROCESSABLE_ENTITY", exc.message, details)
    if isinstance(exc, ValidationFailed):
        return TribbleError("INVALID_REQUEST", "The request is invalid", {"code": exc.code, "message": exc.message})
    return TribbleError("UNPROCESSABLE_ENTITY", exc.message, {"code": exc.code, **details})


def _invalid_request(problems: list[Problem]) -> TribbleError:
    """The documented 400: ``details`` names the first field and says what is wrong, ``errors`` lists all."""
    first = problems[0]
    details: dict[str, Any] = {"field": first.field} if first.field else {}
    details["message"] = first.message
    details["errors"] = [{"field": problem.field, "message": problem.message} for problem in problems]
    return TribbleError("INVALID_REQUEST", "The request is invalid", details)


def _from_http(exc: HTTPException, request: Request[Any, Any, Any] | None = None) -> TribbleError:
    if (problems := request_problems(exc, request)) is not None:
        return _invalid_request(problems)
    if isinstance(exc, NotFoundException):
        return TribbleError("NOT_FOUND", "Resource not found")
    if isinstance(exc, MethodNotAllowedException):
        return TribbleError("METHOD_NOT_ALLOWED", "Method not allowed", status=405)
    if isinstance(exc, NotAuthorizedException):
        return TribbleError("UNAUTHORIZED", "Missing or invalid authentication")
    if isinstance(exc, PermissionDeniedException):
        return TribbleError("FORBIDDEN", "Insufficient permissions")
    status = exc.status_code
    if status == 413:
        return TribbleError("INVALID_REQUEST", "Request body too large", status=413)
    code = {400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT"}.get(
        status, "INVALID_REQUEST" if status < 500 else "INTERNAL_SERVER_ERROR"
    )
    return TribbleError(code, str(exc.detail), status=status)


def to_tribble(exc: Exception, request: Request[Any, Any, Any] | None = None) -> TribbleError:
    if isinstance(exc, TribbleError):
        return exc
    if isinstance(exc, DomainError):
        return from_domain(exc)
    if isinstance(exc, HTTPException):
        return _from_http(exc, request)
    if (problems := request_problems(exc, request)) is not None:  # the JSON decoder's RecursionError etc.
        return _invalid_request(problems)
    return TribbleError("INTERNAL_SERVER_ERROR", "Unexpected server error")


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    err = to_tribble(exc, request)
    if err.error_code == "INTERNAL_SERVER_ERROR":
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body: dict[str, Any] = {
        "statusCode": err.status,
        "errorCode": err.error_code,
        "message": err.message,
        "details": err.details,
        "timestamp": _now(request),
        "requestId": request_id_of(request),
    }
    body.update(err.extra)
    headers = {**err.headers, "X-Request-ID": body["requestId"]}
    return Response(body, status_code=err.status, headers=headers)


# -- the OpenAPI error responses ---------------------------------------------------------------
# Tribble's errors in the OpenAPI document: the envelope above under each status a route sends.
#
# Every error is ``{statusCode, errorCode, message, details, timestamp, requestId}`` (the 429 of the
# rate limiter adds ``retryAfter`` and ``resetAt``). Statuses of an operation:
#
# - 429 ``RATE_LIMITED`` on every route (``security.rate_limit_middleware`` wraps them all);
# - 401 ``UNAUTHORIZED`` and 403 ``FORBIDDEN`` (a locked or suspended account) where the handler
#   takes ``caller``;
# - 400 ``INVALID_REQUEST`` where Litestar validates a body, query or header;
# - 404 ``NOT_FOUND`` where the path names a resource;
# - the codes the handler raises itself, listed in ``RAISES`` (statuses from ``ERROR_STATUS``).

ENVELOPE = "TribbleError"
RECEIPT_DOCUMENT = "TribbleReceiptDocument"
COMPONENTS: dict[str, dict[str, Any]] = {
    ENVELOPE: oe.object_schema(
        "Every Tribble error (tribble-rest.md, Error Codes).",
        ["statusCode", "errorCode", "message", "details", "timestamp", "requestId"],
        {
            "statusCode": {"type": "integer", "description": "the HTTP status"},
            "errorCode": {"type": "string", "enum": sorted(ERROR_STATUS)},
            "message": {"type": "string"},
            "details": {"type": "object", "additionalProperties": True},
            "timestamp": {"type": "string", "description": "ISO 8601 on the sandbox clock"},
            "requestId": {"type": "string"},
            "retryAfter": {"type": "integer", "description": "429 of the rate limiter: seconds to wait"},
            "resetAt": {"type": "string", "description": "429 of the rate limiter: when the window resets"},
        },
    ),
    RECEIPT_DOCUMENT: oe.object_schema(
        "A receipt file in JSON (``.json``): the signed payload and its signature.",
        ["payload", "digitalSignature", "algorithm"],
        {
            "payload": {"type": "object", "additionalProperties": True},
            "digitalSignature": {"type": "string"},
            "algorithm": {"type": "string", "enum": ["HMAC-SHA256"]},
        },
    ),
}

# operationId -> the error codes its handler (or what it calls) raises beyond the derived ones.
RAISES: dict[str, tuple[str, ...]] = {
    "tribbleRegisterUser": ("CONFLICT", "UNPROCESSABLE_ENTITY"),
    "tribbleLogin": ("UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"),
    "tribbleRefreshToken": ("UNAUTHORIZED",),
    "tribbleLogout": ("NOT_FOUND",),
    "tribbleGetKycStatus": ("NOT_FOUND",),
    "tribbleSubmitKyc": ("INVALID_REQUEST",),
    "tribbleUpdateProfile": ("CONFLICT", "UNPROCESSABLE_ENTITY"),
    "tribbleFundWallet": ("NOT_FOUND", "CONFLICT", "UNPROCESSABLE_ENTITY"),
    "tribbleAddPaymentMethod": ("UNPROCESSABLE_ENTITY",),
    "tribbleListTransactions": ("NOT_FOUND",),
    "tribbleCreateTransaction": (
        "NOT_FOUND",
        "CONFLICT",
        "UNPROCESSABLE_ENTITY",
        "INSUFFICIENT_FUNDS",
        "FRAUD_BLOCK",
        "KYC_INCOMPLETE",
        "MERCHANT_INACTIVE",
    ),
    "tribbleCreateRefund": ("INSUFFICIENT_FUNDS", "UNPROCESSABLE_ENTITY"),
    "tribbleGetReceipt": ("UNPROCESSABLE_ENTITY",),
    "tribbleGenerateReceipt": ("UNPROCESSABLE_ENTITY",),
    "tribbleTopUpAirtime": (
        "NOT_FOUND",
        "UNPROCESSABLE_ENTITY",
        "INSUFFICIENT_FUNDS",
        "KYC_INCOMPLETE",
        "TRANSACTION_FAILED",
    ),
    "tribbleApproveMerchant": ("CONFLICT",),
    "tribbleRejectMerchant": ("CONFLICT",),
    "tribbleCreateDispute": ("CONFLICT", "UNPROCESSABLE_ENTITY", "DISPUTE_EXPIRED"),
    "tribbleUploadEvidence": ("INVALID_REQUEST", "UNPROCESSABLE_ENTITY"),
    "tribbleResolveDispute": ("CONFLICT", "INSUFFICIENT_FUNDS"),
    "tribbleCreatePlan": ("NOT_FOUND", "MERCHANT_INACTIVE"),
    "tribbleCreateSubscription": ("NOT_FOUND", "UNPROCESSABLE_ENTITY", "INSUFFICIENT_FUNDS", "SUBSCRIPTION_ACTIVE"),
    "tribblePauseSubscription": ("UNPROCESSABLE_ENTITY",),
    "tribbleResumeSubscription": ("UNPROCESSABLE_ENTITY",),
    "tribbleCancelSubscription": ("UNPROCESSABLE_ENTITY",),
}

# Handlers whose names are not <verb>_<resource>.
OPERATION_NAMES: dict[str, str] = {
    "register": "RegisterUser",
    "kyc_status_route": "GetKycStatus",
    "signing_key": "GetReceiptSigningKey",
    "receipt_file": "GetReceiptFile",
    "list_providers": "ListAirtimeProviders",
    "topup": "TopUpAirtime",
    "list_topups": "ListAirtimeTopups",
    "pending_kyc": "ListPendingKycMerchants",
    "risk_score": "GetRiskScore",
    "fraud_analytics": "GetFraudAnalytics",
    "evidence_file": "GetEvidenceFile",
    "subscribe": "CreateSubscription",
    "pause": "PauseSubscription",
    "resume": "ResumeSubscription",
    "cancel": "CancelSubscription",
    "customer_subscriptions": "ListCustomerSubscriptions",
    "subscription_metrics": "GetSubscriptionMetrics",
    "dashboard": "GetMerchantDashboard",
    "analytics": "GetMerchantAnalytics",
}

# Success bodies the handlers' ``Response[...]`` annotations cannot say.
SUCCESS_BODIES: dict[str, dict[int, dict[str, Any]]] = {
    "tribbleGetReceiptFile": {
        200: {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": oe.ref(RECEIPT_DOCUMENT)},
        }
    },
    # The file as uploaded, in its own media type.
    "tribbleGetEvidenceFile": {200: {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
}


STATUSES = oe.StatusRules(
    rules=(
        (oe.always, {429: ("RATE_LIMITED",)}),
        (oe.validated, {400: ("INVALID_REQUEST",)}),
        (oe.takes("caller"), {401: ("UNAUTHORIZED",), 403: ("FORBIDDEN",)}),
        (oe.names_resource, {404: ("NOT_FOUND",)}),
    ),
    raises={operation: oe.by_status(ERROR_STATUS, codes) for operation, codes in RAISES.items()},
)

CATALOGUE = oe.ErrorCatalogue(
    platform="tribble",
    components=COMPONENTS,
    statuses=STATUSES,
    envelope=ENVELOPE,
    operation_names=OPERATION_NAMES,
    success_bodies=SUCCESS_BODIES,
)
