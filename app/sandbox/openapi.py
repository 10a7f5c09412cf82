"""The control API's errors in the OpenAPI document (``/_sandbox``, ``/api/health`` and every path no platform owns).

Every failure is ``{"error", "message", "details"}`` (``app/sandbox/errors.py``): a lower-case code,
a sentence and an object. Statuses of an operation:

- 401 ``unauthorized`` when the control-token guard runs (it refuses only when
  ``PAYSANDBOX_CONTROL_TOKEN`` is set);
- 400 when Litestar validates its input, and for a path parameter (names and refs are checked:
  ``unknown_simulator``, ``invalid_snapshot_name``, ...); 404 for a path parameter;
- what the handler raises beyond those: ``RAISES``.
"""

from __future__ import annotations

from typing import Any

from app import openapi_errors as oe

ENVELOPE = "SandboxError"
COMPONENTS: dict[str, dict[str, Any]] = {
    ENVELOPE: oe.object_schema(
        "Every error of the control API (and of /api/health and unknown paths).",
        ["error", "message", "details"],
        {
            "error": {"type": "string", "description": "machine code: not_found, validation_error, conflict, ..."},
            "message": {"type": "string"},
            "details": {"type": "object", "additionalProperties": True},
        },
    )
}

# operationId -> status -> codes the handler (or the service it calls) raises beyond the derived ones.
RAISES: dict[str, dict[int, tuple[str, ...]]] = {
    "sandboxCreateWorkspace": {
        400: ("invalid_workspace_name",),
        404: ("snapshot_not_found",),
        409: ("workspace_exists", "workspace_limit"),
    },
    "sandboxDeleteWorkspace": {400: ("default_workspace",)},
    "sandboxCreateSnapshot": {400: ("invalid_snapshot_name",)},
    "sandboxRestoreSnapshot": {409: ("snapshot_invalid",)},
    "sandboxCompleteOperation": {409: ("operation_not_pending",)},
    "sandboxFailOperation": {409: ("operation_not_pending",)},
    "sandboxReverseOperation": {409: ("operation_not_pending",)},
    "sandboxMintToken": {404: ("user_not_found",)},
    "sandboxReadLatestMessage": {404: ("message_not_found",)},
    "sandboxListEvents": {404: ("user_not_found",)},
    "sandboxEmitEvent": {404: ("user_not_found",)},
    "sandboxAddWebhookEndpoint": {404: ("user_not_found",)},
    "sandboxFundUser": {
        400: ("unknown_platform", "unsupported_currency", "wallet_not_allowed"),
        409: ("idempotency_mismatch",),
    },
    "sandboxDebitUser": {
        400: ("unknown_platform", "unsupported_currency"),
        404: ("wallet_not_found",),
        409: ("idempotency_mismatch", "insufficient_funds"),
    },
    "sandboxApplyFixtures": {400: ("fixture_invalid",), 409: ("fixture_apply_failed",)},
}

OPERATION_NAMES: dict[str, str] = {
    "health": "GetHealth",
    "latest_message": "ReadLatestMessage",
    "magic_catalogue": "ReadMagicCatalogue",
    "add_endpoint": "AddWebhookEndpoint",
    "list_endpoints": "ListWebhookEndpoints",
    "remove_endpoint": "RemoveWebhookEndpoint",
    "list_deliveries": "ListWebhookDeliveries",
    "resend_delivery": "ResendWebhookDelivery",
    "reset_sandbox": "Reset",
    "bench_echo": "EchoBenchmark",
    "bench_writer": "ReadWriterCounters",
}


STATUSES = oe.StatusRules(
    rules=(
        (oe.guarded_by("control_token_guard"), {401: ("unauthorized",)}),
        (oe.validated, {400: ("validation_error",)}),
        (oe.takes_body, {400: ("invalid_json",)}),
        (oe.names_resource, {400: ("validation_error",), 404: ("not_found",)}),
    ),
    raises=RAISES,
)

CATALOGUE = oe.ErrorCatalogue(
    platform="sandbox",
    components=COMPONENTS,
    statuses=STATUSES,
    envelope=ENVELOPE,
    operation_names=OPERATION_NAMES,
)
