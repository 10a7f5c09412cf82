"""Nivo's errors in the OpenAPI document: ``{"success": false, "error": {"code", "message"}}`` per status.

Statuses of an operation (codes and statuses from ``errors.CODE_STATUS``):

- 429 ``RATE_LIMIT_EXCEEDED`` on every route (100 a minute per user, 20 a minute per IP on
  register and login: ``auth.py``);
- 401 ``UNAUTHORIZED`` and 403 ``FORBIDDEN`` (a User-Admin token where a user's is needed, and the
  other way round) where the handler takes ``caller`` or ``portal_caller``;
- 400 ``VALIDATION_ERROR`` where Litestar validates a body or query;
- 404 ``NOT_FOUND`` and 403 ``FORBIDDEN`` (someone else's) where the path names a resource;
- the codes the handler raises itself: ``RAISES``.
"""

from __future__ import annotations

from typing import Any

from app import openapi_errors as oe
from app.platforms.nivo.errors import CODE_STATUS

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
