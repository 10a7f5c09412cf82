"""Drop's errors in the OpenAPI document: ``{"error": "<code>", "message", "details": [...]}`` per status.

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

from typing import Any

from app import openapi_errors as oe

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
