"""/_sandbox simulators, operations, magic values and webhook deliveries (the simulated outside world)."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.core.clock import iso
from app.core.errors import NotFound, ValidationFailed
from app.lean_response import Response
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox.explain import explain_headers
from app.sandbox.schemas import (
    Behaviour,
    Deliveries,
    DeliveryView,
    EndpointCreate,
    Endpoints,
    EndpointView,
    MagicCatalogue,
    OperationList,
    OperationSettle,
    OperationView,
    SimulatorList,
    SimulatorUpdate,
    SimulatorView,
)
from app.sandbox.services import find_user, part, simulators


def _iso_or_none(value: Any) -> str | None:
    return iso(float(value)) if isinstance(value, int | float) else (str(value) if value else None)


def simulator_view(info: dict[str, Any]) -> SimulatorView:
    b = info.get("behaviour", {})
    return SimulatorView(
        name=str(info.get("name", "")),
        behaviour=Behaviour(
            delay_seconds=float(b.get("delay_seconds", 0.0)),
            delay_max_seconds=b.get("delay_max_seconds"),
            outcome=str(b.get("outcome", "success")),
            failure_rate=float(b.get("failure_rate", 0.0)),
            error_message=str(b.get("error_message", "")),
        ),
        overrides=dict(info.get("overrides", {})),
        source=str(info.get("source", "default")),
        description=str(info.get("description", "")),
    )


def operation_view(op: Any) -> OperationView:
    return OperationView(
        ref=op.ref,
        kind=op.kind,
        simulator=op.simulator,
        status=op.status,
        user_id=op.user_id,
        amount=op.amount,
        currency=op.currency,
        planned_outcome=op.planned_outcome,
        due_at=_iso_or_none(op.due_at),
        error_message=op.error_message,
        explain=op.explain,
        rule=op.rule,
        settled_by=op.settled_by,
        created_at=_iso_or_none(op.created_at) or "",
        settled_at=_iso_or_none(op.settled_at),
        reversed_at=_iso_or_none(op.reversed_at),
    )


async def simulator_names(sandbox: Sandbox) -> list[str]:
    """Every family, every partner by id, and every other member with stored overrides."""
    hub = simulators(sandbox)
    settings = part(hub, "settings", "simulator settings")
    names: list[str] = list(settings.families())
    partners = getattr(hub, "partners", None)
    if partners is not None:
        names += [f"partner:{p.id}" for p in await partners.list()]
    names += [n for n in await settings.overridden() if n not in names]
    return names


_DIRECTORIES = {"partner": "partners", "agent": "agents", "airtime": "airtime"}


async def check_member(sandbox: Sandbox, name: str) -> None:
    """``partner:PTN-999`` that does not exist is a 404, not silently a new member."""
    family, sep, member = name.partition(":")
    directory = getattr(simulators(sandbox), _DIRECTORIES.get(family, ""), None) if sep and member else None
    if directory is not None and hasattr(directory, "get") and await directory.get(member) is None:
        raise NotFound(f"No {family} {member!r} in this sandbox", code="simulator_not_found", name=name)


class SimulatorController(Controller):
    path = "/simulators"
    tags = ["sandbox: simulators"]

    @get("/", summary="Behaviour of every simulator family, each partner, and each overridden member")
    async def list_simulators(self, sandbox: SandboxDep) -> SimulatorList:
        settings = part(simulators(sandbox), "settings", "simulator settings")
        return SimulatorList([simulator_view(await settings.get(n)) for n in await simulator_names(sandbox)])

    @get("/{name:str}", summary="Behaviour of one simulator (family, or member such as partner:PTN-001)")
    async def read_simulator(self, sandbox: SandboxDep, name: str) -> SimulatorView:
        settings = part(simulators(sandbox), "settings", "simulator settings")
        await check_member(sandbox, name)
        return simulator_view(await settings.get(name))

    @put("/{name:str}", summary="Change delay, outcome, failure rate or error message (null = back to default)")
    async def update_simulator(self, sandbox: SandboxDep, name: str, data: SimulatorUpdate) -> SimulatorView:
        settings = part(simulators(sandbox), "settings", "simulator settings")
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        await check_member(sandbox, name)
        return simulator_view(await settings.put(name, changes))


class OperationController(Controller):
    path = "/operations"
    tags = ["sandbox: operations"]

    @get("/", summary="Simulated operations (deposits, withdrawals, UPI, card, PISP, airtime), newest first")
    async def list_operations(
        self,
        sandbox: SandboxDep,
        status: Annotated[str | None, QueryParameter(description="pending, completed, failed, ...")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> OperationList:
        ops = part(simulators(sandbox), "operations", "operations")
        return OperationList([operation_view(o) for o in await ops.list(status=status or None, limit=limit)])

    @get("/{ref:str}", summary="One simulated operation")
    async def read_operation(self, sandbox: SandboxDep, ref: str) -> OperationView:
        op = await part(simulators(sandbox), "operations", "operations").get(ref)
        if op is None:
            raise NotFound(f"Operation {ref!r} does not exist", code="operation_not_found")
        return operation_view(op)

    @post("/{ref:str}/complete", status_code=HTTP_200_OK, summary="Complete a pending operation now")
    async def complete_operation(self, sandbox: SandboxDep, ref: str) -> Response[OperationView]:
        op = await part(simulators(sandbox), "operations", "operations").settle(ref, "completed")
        return Response(operation_view(op), headers=explain_headers("settled via the control API"))

    @post("/{ref:str}/fail", status_code=HTTP_200_OK, summary="Fail a pending operation now")
    async def fail_operation(
        self, sandbox: SandboxDep, ref: str, data: OperationSettle | None = None
    ) -> Response[OperationView]:
        message = data.error_message if data is not None else None
        op = await part(simulators(sandbox), "operations", "operations").settle(ref, "failed", message)
        return Response(operation_view(op), headers=explain_headers("failed via the control API"))

    @post("/{ref:str}/reverse", status_code=HTTP_200_OK, summary="Reverse a completed operation")
    async def reverse_operation(
        self, sandbox: SandboxDep, ref: str, data: OperationSettle | None = None
    ) -> Response[OperationView]:
        reason = data.error_message if data is not None else None
        op = await part(simulators(sandbox), "operations", "operations").reverse(ref, reason=reason)
        return Response(operation_view(op), headers=explain_headers("reversed via the control API"))


@get("/magic", tags=["sandbox: simulators"], summary="Machine-readable catalogue of every magic value")
async def magic_catalogue(sandbox: SandboxDep) -> MagicCatalogue:
    magic = part(simulators(sandbox), "magic", "a magic catalogue")
    from app.sandbox.api_faults import fault_catalogue

    faults = fault_catalogue(sandbox.faults.rules)
    return MagicCatalogue(json.loads(json.dumps(magic.catalogue(), default=str)), faults=faults)


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["sandbox: webhooks"]

    @get("/", summary="Webhook deliveries with every attempt, newest first")
    async def list_deliveries(
        self,
        sandbox: SandboxDep,
        status: Annotated[str | None, QueryParameter(description="pending, delivered, failed")] = None,
        event_type: Annotated[str | None, QueryParameter(description="exact event type")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> Deliveries:
        hooks = part(simulators(sandbox), "webhooks", "webhooks")
        found = await hooks.deliveries(status=status or None, event_type=event_type or None, limit=limit)
        return Deliveries([delivery_view(d) for d in found])

    @post("/{delivery:str}/resend", status_code=HTTP_200_OK, summary="Send a delivery again now (one more attempt)")
    async def resend_delivery(self, sandbox: SandboxDep, delivery: str) -> DeliveryView:
        hooks = part(simulators(sandbox), "webhooks", "webhooks")
        return delivery_view(await hooks.resend(delivery))

    @get("/endpoints", summary="Registered webhook endpoints (per user and global)")
    async def list_endpoints(self, sandbox: SandboxDep) -> Endpoints:
        hooks = part(simulators(sandbox), "webhooks", "webhooks")
        return Endpoints([endpoint_view(e) for e in await hooks.endpoints()])

    @post("/endpoints", status_code=HTTP_201_CREATED, summary="Register an endpoint (global, or for one user)")
    async def add_endpoint(self, sandbox: SandboxDep, data: EndpointCreate) -> EndpointView:
        hooks = part(simulators(sandbox), "webhooks", "webhooks")
        try:  # simulators' URL check lets urlsplit's ValueError ("Invalid IPv6 URL") escape
            urlsplit(data.url)
        except ValueError as exc:
            raise ValidationFailed(f"url must be an absolute http(s) URL: {exc}", code="invalid_url") from exc
        user_id = int((await find_user(sandbox, data.user)).id) if data.user not in (None, "") else None
        endpoint = await hooks.add_endpoint(
            data.url,
            user_id=user_id,
            secret=data.secret,
            event_types=data.event_types,
            platform=data.platform,
            description=data.description,
        )
        return endpoint_view(endpoint, with_secret=True)

    @delete("/endpoints/{endpoint_id:str}", status_code=HTTP_204_NO_CONTENT, summary="Remove an endpoint")
    async def remove_endpoint(self, sandbox: SandboxDep, endpoint_id: str) -> None:
        await part(simulators(sandbox), "webhooks", "webhooks").remove_endpoint(endpoint_id)


def plain_dict(value: Any) -> dict[str, Any]:
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    elif not isinstance(value, dict):
        value = msgspec.to_builtins(value)
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


def delivery_view(delivery: Any) -> DeliveryView:
    return msgspec.convert(plain_dict(delivery), DeliveryView)


def endpoint_view(endpoint: Any, *, with_secret: bool = False) -> EndpointView:
    return msgspec.convert(json.loads(json.dumps(endpoint.as_dict(with_secret=with_secret))), EndpointView)
