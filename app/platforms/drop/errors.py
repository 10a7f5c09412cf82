"""Drop's error envelope: ``{"error": "code", "message": "...", "details": [...]}`` with lower-case codes.

Every exception raised under Drop's paths ends here (``PLATFORM.error_response``): Drop's own
``DropError``, core ``DomainError`` subclasses and Litestar's HTTP exceptions. Nothing becomes a
500 except a genuine bug, which is logged and rendered as ``internal_error``.

The module is also the one source of Drop's errors in the OpenAPI document (``CATALOGUE``, read by
``app/openapi_finish.py``): ``{"error": "<code>", "message", "details": [...]}`` per status.

Drop's handlers read their own bodies and sessions (``parsing.json_object``, ``auth.current_user``),
so fewer facts show on their signatures than on the other platforms'. Statuses of an operation:

- 401 ``unauthorized`` and 403 ``account_suspended`` / ``account_locked`` unless it is ``PUBLIC``;
- 429 ``rate_limited`` on the ``RATE_LIMITED`` routes (``limits.enforce``: 10 a minute per IP on
  register, login and the money routes, 120 on rates);
- 400 ``bad_request`` where a query is read (page/limit must be integers);
- 404 ``not_found`` where the path names a resource;
- what the handler raises itself: ``RAISES`` (400 for a body that is not a JSON object, 422
  ``validation_error`` with one detail per field, 402, 409, ...).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec

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
from app.platforms.drop.schemas import DropErrorBody
from app.wording import Problem, request_problems, sentence

log = logging.getLogger("paysandbox.drop")

# HTTP status -> Drop's lower-case code when nothing more specific is known.
_STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    402: "insufficient_balance",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

_STATUS_MESSAGES: dict[int, str] = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Validation failed",
    429: "Too many requests",
}


class DropError(Exception):
    """An error rendered exactly as Drop documents it."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        self.extra = extra or {}


def bad_request(message: str = "Invalid JSON body", details: list[Any] | None = None) -> DropError:
    return DropError(400, "bad_request", message, details)


def unauthorized(message: str = "Authentication required") -> DropError:
    return DropError(401, "unauthorized", message)


def forbidden(message: str = "Forbidden", code: str = "forbidden") -> DropError:
    return DropError(403, code, message)


def not_found(message: str = "Not found") -> DropError:
    return DropError(404, "not_found", message)


def conflict(message: str) -> DropError:
    return DropError(409, "conflict", message)


def validation_error(details: list[dict[str, str]], message: str = "Validation failed") -> DropError:
    return DropError(422, "validation_error", message, details)


def field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _from_domain(exc: DomainError) -> DropError:
    """Core errors -> Drop's statuses and codes."""
    if isinstance(exc, InsufficientFunds):
        return DropError(402, "insufficient_balance", "Insufficient balance in bank account")
    if isinstance(exc, NotFound):
        return not_found(exc.message if exc.code != "not_found" else "Not found")
    if isinstance(exc, IdempotencyMismatch):
        differs = exc.details.get("differs") or []
        return DropError(
            409,
            "idempotency_mismatch",
            "X-Request-ID was already used for a different request",
            [{"field": str(name), "message": "differs from the first request"} for name in differs],
        )
    if isinstance(exc, Conflict):
        if exc.code == "email_taken":
            return conflict("Email already registered")
        return conflict(exc.message)
    if isinstance(exc, ValidationFailed):
        field = str(exc.details.get("field", "amount" if "amount" in exc.code else ""))
        return validation_error([field_error(field, exc.message)])
    if isinstance(exc, Unauthorized):
        return unauthorized("Invalid credentials" if exc.code == "invalid_credentials" else "Authentication required")
    if isinstance(exc, Forbidden | AccountUnavailable):
        return forbidden(exc.message, exc.code)
    if isinstance(exc, RateLimited):
        return DropError(429, "rate_limited", "Too many requests")
    if isinstance(exc, LimitExceeded):
        return DropError(422, "limit_exceeded", exc.message)
    return DropError(400, exc.code.lower(), exc.message)


def _from_problems(problems: list[Problem]) -> DropError:
    """A request refused before a handler ran: the documented "Invalid JSON body" when the body is not JSON,
    else 400 with every failing field in ``details`` (``{"field": "items[0].amount", "message": ...}``)."""
    if any(problem.not_json for problem in problems):
        return bad_request("Invalid JSON body")
    details = [field_error(problem.field, problem.message) for problem in problems]
    return bad_request(sentence(problems), details)


def _from_http(exc: HTTPException, request: Request[Any, Any, Any] | None = None) -> DropError:
    status = exc.status_code
    code = _STATUS_CODES.get(status, "error")
    if (problems := request_problems(exc, request)) is not None:
        return _from_problems(problems)
    message = _STATUS_MESSAGES.get(status) or (exc.detail if isinstance(exc.detail, str) else "Error")
    return DropError(status, code, message, headers=dict(exc.headers or {}))


def to_drop_error(exc: Exception, request: Request[Any, Any, Any] | None = None) -> DropError | None:
    if isinstance(exc, DropError):
        return exc
    if isinstance(exc, DomainError):
        return _from_domain(exc)
    if isinstance(exc, HTTPException):
        return _from_http(exc, request)
    if (problems := request_problems(exc, request)) is not None:  # the JSON decoder's RecursionError etc.
        return _from_problems(problems)
    return None


def render_error(error: DropError, headers: dict[str, str] | None = None) -> Response[Any]:
    body: dict[str, Any] = {"error": error.code, "message": error.message, "details": error.details}
    body.update(error.extra)
    return Response(body, status_code=error.status, headers={**(headers or {}), **error.headers})


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """PlatformSpec.error_response: any exception under Drop's prefixes, in Drop's envelope."""
    error = to_drop_error(exc, request)
    if error is None:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        error = DropError(500, "internal_error", "Internal server error")
    # Rate-limit headers computed earlier in this request ride on its error responses too.
    limited = request.state.get("drop_ratelimit_headers") if "state" in request.scope else None
    return render_error(error, dict(limited or {}))


def documented(*statuses: int) -> dict[int, Any]:
    """``responses=`` for a route decorator: Drop's error envelope under each status in /schema."""
    return {status: ResponseSpec(DropErrorBody, description=_STATUS_CODES.get(status, "error")) for status in statuses}


# --- the OpenAPI document: Drop's error responses per operation ------------------------------------

ENVELOPE = "DropError"
COMPONENTS: dict[str, dict[str, Any]] = {
    ENVELOPE: oe.object_schema(
        "Every Drop error (drop-rest.md): lower-case code, message, details per field.",
        ["error", "message", "details"],
        {
            "error": {"type": "string", "description": "bad_request, unauthorized, not_found, validation_error, ..."},
            "message": {"type": "string"},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "retryAfter": {"type": "integer", "description": "429: seconds to wait"},
        },
    )
}

PUBLIC = frozenset({"dropRegisterUser", "dropLogin", "dropListRates", "dropGetRate"})
RATE_LIMITED = frozenset(
    {"dropRegisterUser", "dropLogin", "dropCreateRemittance", "dropCreateQrPayment", "dropListRates", "dropGetRate"}
)
_BODY = {400: ("bad_request",)}  # the body is not a JSON object
_FIELDS = {400: ("bad_request",), 422: ("validation_error",)}
_FEATURE = {404: ("not_found",)}  # the route's feature flag is off (cards, notifications)

# operationId -> status -> codes its handler (or what it calls) raises beyond the derived ones.
RAISES: dict[str, dict[int, tuple[str, ...]]] = {
    "dropRegisterUser": {**_FIELDS, 409: ("conflict",)},
    "dropLogin": {400: ("bad_request",), 401: ("unauthorized",), 403: ("account_suspended", "account_locked")},
    "dropListCards": _FEATURE,
    "dropCreateCard": {**_BODY, **_FEATURE},
    "dropUpdateCard": {**_BODY, **_FEATURE},
    "dropOrderPhysicalCard": {**_BODY, **_FEATURE, 409: ("conflict",)},
    "dropSetCardPin": {**_BODY, **_FEATURE},
    "dropSetCardLimit": {**_FIELDS, **_FEATURE},
    "dropSetConsent": _BODY,
    "dropCreateComplaint": _BODY,
    "dropRegisterMerchant": {**_FIELDS, 409: ("conflict",)},
    "dropGetMerchantDashboard": {403: ("forbidden",), 404: ("not_found",)},
    "dropGetMerchantQr": {403: ("forbidden",), 404: ("not_found",)},
    "dropListMerchantTransactions": {403: ("forbidden",), 404: ("not_found",)},
    "dropListNotifications": _FEATURE,
    "dropMarkNotificationsRead": {**_BODY, **_FEATURE},
    "dropAddRecipient": _FIELDS,
    "dropUpdateSettings": _FIELDS,
    "dropCreateRemittance": {
        **_FIELDS,
        402: ("insufficient_balance",),
        403: ("forbidden",),
        404: ("not_found",),
        409: ("idempotency_mismatch",),
    },
    "dropCreateQrPayment": {
        **_BODY,
        402: ("insufficient_balance",),
        404: ("not_found",),
        409: ("idempotency_mismatch",),
        422: ("validation_error",),
    },
    "dropGetDisclosure": {**_FIELDS, 404: ("not_found",)},
}

# Handlers whose names are not <verb>_<resource>.
OPERATION_NAMES: dict[str, str] = {
    "register": "RegisterUser",
    "refresh": "RefreshSession",
    "me": "GetCurrentUser",
    "summary": "GetTransactionSummary",
    "disclosure": "GetDisclosure",
    "order_physical": "OrderPhysicalCard",
    "set_pin": "SetCardPin",
    "set_limit": "SetCardLimit",
    "get_limits": "GetCardLimits",
    "mark_read": "MarkNotificationsRead",
    "dashboard": "GetMerchantDashboard",
    "merchant_qr": "GetMerchantQr",
    "merchant_transactions": "ListMerchantTransactions",
    "data_export": "ExportUserData",
}


STATUSES = oe.StatusRules(
    rules=(
        (oe.operation_not_in(PUBLIC), {401: ("unauthorized",), 403: ("account_suspended", "account_locked")}),
        (oe.operation_in(RATE_LIMITED), {429: ("rate_limited",)}),
        (oe.validated, {400: ("bad_request",)}),
        (oe.names_resource, {404: ("not_found",)}),
    ),
    raises=RAISES,
)

CATALOGUE = oe.ErrorCatalogue(
    platform="drop",
    components=COMPONENTS,
    statuses=STATUSES,
    envelope=ENVELOPE,
    operation_names=OPERATION_NAMES,
    named_operations=PUBLIC | RATE_LIMITED,
)
