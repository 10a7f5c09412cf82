"""/_sandbox/faults: fault rules of this sandbox (``app.sandbox.faults``), applied by the request edge."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import msgspec
from litestar import Controller, delete, get, put
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from app.core.errors import NotFound
from app.registry import SandboxDep
from app.sandbox.faults import FaultRule, rule_from
from app.sandbox.schemas_faults import FaultRules, FaultRulesPut, FaultRuleView

_counter = itertools.count(1)


def _new_id() -> str:
    return f"flt_{secrets.token_hex(3)}{next(_counter):x}"


def rules_view(rules: list[FaultRule]) -> FaultRules:
    return FaultRules(rules=[msgspec.convert(rule.as_dict(), FaultRuleView) for rule in rules])


def fault_catalogue(rules: list[FaultRule]) -> dict[str, Any]:
    """The faults part of ``GET /_sandbox/magic``: how to ask for each fault, and the rules in force."""
    return {
        "header": "X-Sandbox-Fault",
        "websocket_query": "sandbox_fault",
        "explain_header": "X-Sandbox-Explain",
        "actions": [
            {
                "action": "delay",
                "one_off": "delay=2000 | delay=100-300",
                "effect": "wait ms (or a random ms in a range) before the handler runs",
            },
            {
                "action": "status",
                "one_off": "status=503",
                "effect": "answer the status in the platform's error envelope; the handler never runs",
            },
            {
                "action": "drop",
                "one_off": "drop | drop=after",
                "effect": "close the connection with no response; after: the handler commits, the response is lost",
            },
            {
                "action": "timeout",
                "one_off": "timeout=3000",
                "effect": "hold the request ms, then drop it; the handler never runs",
            },
        ],
        "websocket": "close=<code> sets the close code of drop/timeout on a WebSocket; rules with ws_type match frames",
        "rules": [rule.as_dict() for rule in rules],
    }


class FaultController(Controller):
    path = "/faults"
    tags = ["sandbox: faults"]

    @get("/", summary="Fault rules of this sandbox, in the order they match")
    async def list_faults(self, sandbox: SandboxDep) -> FaultRules:
        return rules_view(sandbox.faults.rules)

    @put("/", status_code=HTTP_200_OK, summary="Add fault rules (a rule with an existing id replaces it)")
    async def put_faults(self, sandbox: SandboxDep, data: FaultRulesPut) -> FaultRules:
        rules = []
        for given in data.rules:
            fields = msgspec.to_builtins(given)
            rules.append(rule_from(fields, given.id or _new_id()))
        return rules_view(await sandbox.faults.put(rules))

    @delete("/{rule_id:str}", status_code=HTTP_204_NO_CONTENT, summary="Remove one fault rule")
    async def delete_fault(self, sandbox: SandboxDep, rule_id: str) -> None:
        if not await sandbox.faults.remove(rule_id):
            raise NotFound(f"fault rule {rule_id!r} does not exist", code="fault_rule_not_found")

    @delete("/", status_code=HTTP_204_NO_CONTENT, summary="Remove every fault rule")
    async def clear_faults(self, sandbox: SandboxDep) -> None:
        await sandbox.faults.clear()
