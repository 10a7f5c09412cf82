"""Tribble's errors in the OpenAPI document: the envelope of ``errors.py`` under each status a route sends.

Every error is ``{statusCode, errorCode, message, details, timestamp, requestId}`` (the 429 of the
rate limiter adds ``retryAfter`` and ``resetAt``). Statuses of an operation:

- 429 ``RATE_LIMITED`` on every route (``security.rate_limit_middleware`` wraps them all);
- 401 ``UNAUTHORIZED`` and 403 ``FORBIDDEN`` (a locked or suspended account) where the handler
  takes ``caller``;
- 400 ``INVALID_REQUEST`` where Litestar validates a body, query or header;
- 404 ``NOT_FOUND`` where the path names a resource;
- the codes the handler raises itself, listed in ``RAISES`` (statuses from ``ERROR_STATUS``).
"""

from __future__ import annotations

from typing import Any

from app import openapi_errors as oe
from app.platforms.tribble.errors import ERROR_STATUS

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
