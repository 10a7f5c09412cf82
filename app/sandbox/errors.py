"""Errors of the control API: every failure under /_sandbox is JSON ``{"error", "message", "details"}``."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)

from app.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IdempotencyMismatch,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)

log = logging.getLogger("paysandbox.sandbox")

_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (IdempotencyMismatch, 409),
    (ValidationFailed, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (RateLimited, 429),
)

_HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


class ServiceUnavailable(HTTPException):
    """A service the control API needs is not installed on this sandbox (e.g. no simulators)."""

    status_code = 503


def error_json(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response[Any]:
    return Response({"error": code, "message": message, "details": details or {}}, status_code=status)


def control_error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Render any exception raised by a /_sandbox handler (router-level exception handler)."""
    if isinstance(exc, DomainError):
        status = next((code for cls, code in _DOMAIN_STATUS if isinstance(exc, cls)), 400)
        return error_json(status, exc.code, exc.message, _jsonable(exc.details))
    if isinstance(exc, ValidationException):
        return error_json(400, "validation_error", _validation_message(exc), {"errors": _jsonable(exc.extra)})
    if isinstance(exc, NotAuthorizedException):
        return error_json(401, "unauthorized", exc.detail)
    if isinstance(exc, PermissionDeniedException):
        return error_json(403, "forbidden", exc.detail)
    if isinstance(exc, NotFoundException):
        return error_json(404, "not_found", exc.detail)
    if isinstance(exc, MethodNotAllowedException):
        return error_json(405, "method_not_allowed", exc.detail)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        if status == 400 and "json" in str(exc.detail).lower():
            return error_json(400, "invalid_json", exc.detail)
        return error_json(status, _HTTP_CODES.get(status, "http_error"), exc.detail)
    if isinstance(exc, RecursionError | UnicodeDecodeError):  # the JSON body is nested too deeply / not UTF-8
        return error_json(400, "invalid_json", "Request body is not valid JSON (not UTF-8, or nested too deeply)")
    log.exception("control API error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_json(500, "internal_error", "Internal server error")


def _validation_message(exc: ValidationException) -> str:
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first = extra[0]
        key = str(first.get("key") or "")
        message = str(first.get("message") or "invalid value")
        where = "body" if key in ("", "data") else key
        if message == f"'{key}'":  # Litestar's KeyError text when the body or a value is absent
            message = "a JSON body is required" if where == "body" else "missing value"
        return f"Invalid request: {message} ({where})"
    return exc.detail or "Invalid request"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
