"""T-Wallet's errors in the OpenAPI document: the guide's plain-text auth answers, else ``{"code", "msg"}``.

Statuses of an operation (``errors.py``):

- every route sits behind ``auth.require_token``: 401 ``Unauthorized`` (blank header) and 498
  ``Token has expired`` as text/plain, 403 as text/plain for an invalid token or as
  ``{"code": 403, "msg": [...]}`` for a locked or suspended account;
- 400 ``{"code": 400, "msg": [...]}`` for invalid input, and for a path naming something that is
  not the caller's (``record not found``: the guide answers 400, not 404);
- what the handler raises itself: ``RAISES`` (404 for an unknown phone, 409 for a reused
  Idempotency-Key).
"""

from __future__ import annotations

from typing import Any

from app import openapi_errors as oe
from app.platforms.twallet.errors import RECORD_NOT_FOUND, TOKEN_EXPIRED_BODY, TOKEN_EXPIRED_STATUS, UNAUTHORIZED_BODY

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
