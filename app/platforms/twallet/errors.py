"""T-Wallet's error shapes.

The guide documents authentication failures as plain bodies: 401 when ``X-Authorization`` is
blank or missing, 403 ``"find request requires user authentication"`` (on ``/contact``; other
routes name their own operation) for an invalid token, 498 ``"Token has expired"``. Every other
error uses the send response's envelope ``{"code": <status>, "msg": ["<message>"]}``: HTTP 400
``record not found`` for a wrong account, asset or profile; 400 for invalid input; 404 for an
unknown contact phone or path.

This module is also the one source of the OpenAPI error responses (``CATALOGUE``, read by
``app/openapi_finish.py``). Statuses of an operation:

- every route sits behind ``auth.require_token``: 401 ``Unauthorized`` (blank header) and 498
  ``Token has expired`` as text/plain, 403 as text/plain for an invalid token or as
  ``{"code": 403, "msg": [...]}`` for a locked or suspended account;
- 400 ``{"code": 400, "msg": [...]}`` for invalid input, and for a path naming something that is
  not the caller's (``record not found``: the guide answers 400, not 404);
- what the handler raises itself: ``RAISES`` (404 for an unknown phone, 409 for a reused
  Idempotency-Key).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app import openapi_errors as oe
from app.core.errors import (
    AccountUnavailable,
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
from app.wording import request_problems

log = logging.getLogger("paysandbox.twallet")

RECORD_NOT_FOUND = "record not found"
TOKEN_EXPIRED_STATUS = 498
TOKEN_EXPIRED_BODY = "Token has expired"
UNAUTHORIZED_BODY = "Unauthorized"


class TWalletError(Exception):
    """An error in T-Wallet's words. ``plain=True`` sends ``message`` as a text/plain body."""

    def __init__(self, status: int, message: str, *, plain: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.plain = plain


def record_not_found() -> TWalletError:
    return TWalletError(400, RECORD_NOT_FOUND)


def render(error: TWalletError) -> Response[Any]:
    if error.plain:
        return Response(error.message, status_code=error.status, media_type="text/plain")
    return Response({"code": error.status, "msg": [error.message]}, status_code=error.status)


def from_domain(exc: DomainError) -> TWalletError:
    if isinstance(exc, Unauthorized):
        if exc.code == "token_expired":
            return TWalletError(TOKEN_EXPIRED_STATUS, TOKEN_EXPIRED_BODY, plain=True)
        return TWalletError(403, "request requires user authentication", plain=True)
    if isinstance(exc, NotFound):
        return record_not_found()
    if isinstance(exc, AccountUnavailable):
        return TWalletError(400, f"account is {'locked' if exc.code == 'account_locked' else 'inactive'}")
    if isinstance(exc, IdempotencyMismatch):
        differs = ", ".join(exc.details.get("differs", []))
        return TWalletError(409, f"Idempotency-Key was used with different parameters ({differs})")
    if isinstance(exc, Conflict):
        return TWalletError(409, exc.message)
    if isinstance(exc, Forbidden):
        return TWalletError(403, exc.message)
    if isinstance(exc, RateLimited):
        return TWalletError(429, "too many requests")
    if isinstance(exc, ValidationFailed):
        return TWalletError(400, exc.message)
    return TWalletError(400, exc.message)


def _validation_messages(request: Request[Any, Any, Any], exc: Exception) -> list[str] | None:
    """One plain message per problem of a request refused before a handler ran; None for other errors."""
    problems = request_problems(exc, request)
    return [problem.message for problem in problems] if problems is not None else None


def error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Render any exception raised under T-Wallet's paths."""
    if isinstance(exc, TWalletError):
        return render(exc)
    if isinstance(exc, DomainError):
        return render(from_domain(exc))
    if (messages := _validation_messages(request, exc)) is not None:
        return Response({"code": 400, "msg": messages}, status_code=400)
    if isinstance(exc, NotFoundException):
        return Response({"code": 404, "msg": ["not found"]}, status_code=404)
    if isinstance(exc, MethodNotAllowedException):
        return Response({"code": 405, "msg": ["method not allowed"]}, status_code=405)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return Response({"code": exc.status_code, "msg": [str(exc.detail)]}, status_code=exc.status_code)
    log.exception("unhandled T-Wallet error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response({"code": 500, "msg": ["internal error"]}, status_code=HTTP_500_INTERNAL_SERVER_ERROR)


# --- the OpenAPI error responses -------------------------------------------------------------

ENVELOPE = "TWalletError"
COMPONENTS: dict[str, dict[str, Any]] = {
    ENVELOPE: oe.object_schema(
        "A T-Wallet error other than the plain-text authentication answers.",
        ["code", "msg"],
        {
            "code": {"type": "integer", "description": "the HTTP status"},
            "msg": {"type": "array", "items": {"type": "string"}},
        },
    )
}
PLAIN_TEXT: dict[str, Any] = {"text/plain": {"schema": {"type": "string"}}}

# operationId -> status -> messages its handler raises beyond the derived ones.
RAISES: dict[str, dict[int, tuple[str, ...]]] = {
    "twalletSendToProfile": {
        400: (RECORD_NOT_FOUND,),
        409: ("Idempotency-Key was used with different parameters",),
    },
    "twalletSaveContact": {400: (RECORD_NOT_FOUND,)},
    "twalletFindContact": {404: (RECORD_NOT_FOUND,)},
}
# What ``auth.require_token`` answers.
AUTHENTICATION: dict[int, tuple[str, ...]] = {
    401: (UNAUTHORIZED_BODY,),
    403: ("<operation> request requires user authentication", "account is locked"),
    TOKEN_EXPIRED_STATUS: (TOKEN_EXPIRED_BODY,),
}
STATUSES = oe.StatusRules(
    rules=(
        (oe.guarded_by("require_token"), AUTHENTICATION),
        (oe.validated, {400: ("invalid input",)}),
        (oe.names_resource, {400: (RECORD_NOT_FOUND,)}),
    ),
    raises=RAISES,
)


def body(status: int) -> dict[str, Any]:
    if status in (401, TOKEN_EXPIRED_STATUS):
        return dict(PLAIN_TEXT)
    if status == 403:
        return {**PLAIN_TEXT, **oe.json_body(ENVELOPE)}
    return oe.json_body(ENVELOPE)


CATALOGUE = oe.ErrorCatalogue(
    platform="twallet",
    components=COMPONENTS,
    statuses=STATUSES,
    envelope=ENVELOPE,
    bodies=body,
)
