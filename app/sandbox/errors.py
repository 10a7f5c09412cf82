"""Errors of the control API: every failure under /_sandbox is JSON ``{"error", "message", "details"}``."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
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
from app.lean_response import Response
from app.wording import invalid_amount_message, request_problems, sentence

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
        message = invalid_amount_message(exc) or exc.message  # parse_amount's refusal in plain words
        return error_json(status, exc.code, message, _jsonable(exc.details))
    if (refused := _refused_request(request, exc)) is not None:
        return refused
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
    log.exception("control API error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_json(500, "internal_error", "Internal server error")


def _refused_request(request: Request[Any, Any, Any], exc: Exception) -> Response[Any] | None:
    """A request refused before a handler ran, in plain words; None for any other error.

    ``invalid_json`` when the body is not JSON (also nested too deeply, not UTF-8),
    ``validation_error`` naming every failing field in ``details.errors`` otherwise.
    """
    problems = request_problems(exc, request)
    if problems is None:
        return None
    errors = [{"field": problem.field, "message": problem.message} for problem in problems]
    code = "invalid_json" if any(problem.not_json for problem in problems) else "validation_error"
    return error_json(400, code, sentence(problems), {"errors": errors})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
