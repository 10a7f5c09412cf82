"""Error responses of the OpenAPI document: what each platform's catalogue says (``CATALOGUE`` of its
``errors.py``).

Litestar documents every validated route with its own ``{status_code, detail, extra}`` 400, a body no
route of the sandbox ever sends: every error is rendered in the envelope of the platform owning the
path (``app/asgi.py``). A platform's ``ErrorCatalogue`` holds that envelope as component schemas,
the body of an error at each status, and the rule that gives the statuses one operation can return,
from facts read off its route handler and the generated document (``OperationFacts``): an
authenticated handler can answer 401, one that takes input 400, one with path parameters 404, and
what the handler's own code raises is listed per operation in the catalogue. ``StatusRules`` writes
that rule as data: a table of statuses and codes for each fact, and the table of what each
operation raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

SCHEMA_REF = "#/components/schemas/"

# status -> the error codes (or messages) an operation answers with at that status.
ErrorStatuses = dict[int, set[str]]
# The same, as a catalogue's tables write it.
CodeTable = Mapping[int, Iterable[str]]


@dataclass(frozen=True, slots=True)
class OperationFacts:
    """What can be checked about one operation: its handler's signature and guards, and its parameters."""

    method: str
    path: str
    operation_id: str
    handler_name: str
    # Names of the handler's parameters (``caller``, ``data``, ``request``, ...) and of its guards.
    handler_params: frozenset[str]
    guards: frozenset[str]
    has_body: bool
    path_params: tuple[str, ...]
    # Query, header and cookie parameters.
    other_params: tuple[str, ...]
    # A path parameter Litestar converts (an int, a uuid, ...): a wrong value is a validation error.
    typed_path_params: bool
    # Error statuses the route declares itself (``responses=`` on its decorator).
    declared: frozenset[int] = frozenset()

    @property
    def validated(self) -> bool:
        """Whether Litestar validates input of this operation before the handler runs (a 400 when it fails)."""
        return self.has_body or bool(self.other_params) or self.typed_path_params


# Whether a rule of ``StatusRules`` holds for an operation.
Applies = Callable[[OperationFacts], bool]


def ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMA_REF + name}


def json_body(component: str) -> dict[str, Any]:
    """``content`` of a JSON body of the component schema ``component``."""
    return {"application/json": {"schema": ref(component)}}


def object_schema(description: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A component schema of an object: an error envelope, or a body a route sends beside it."""
    return {"type": "object", "description": description, "required": required, "properties": properties}


def add_table(found: ErrorStatuses, table: CodeTable) -> None:
    """Add each status's codes of ``table`` to ``found``."""
    for status, codes in table.items():
        found.setdefault(status, set()).update(codes)


def by_status(statuses: Mapping[str, int], codes: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """``codes`` under their statuses (``statuses``: the platform's code table)."""
    table: dict[int, tuple[str, ...]] = {}
    for code in codes:
        table[statuses[code]] = (*table.get(statuses[code], ()), code)
    return table


def always(op: OperationFacts) -> bool:
    """Every operation."""
    return True


def validated(op: OperationFacts) -> bool:
    """An operation whose input Litestar validates."""
    return op.validated


def names_resource(op: OperationFacts) -> bool:
    """An operation whose path has parameters."""
    return bool(op.path_params)


def takes_body(op: OperationFacts) -> bool:
    """An operation with a request body."""
    return op.has_body


def takes(*params: str) -> Applies:
    """Operations whose handler takes one of ``params`` (``caller``, ...)."""
    wanted = frozenset(params)
    return lambda op: bool(wanted & op.handler_params)


def guarded_by(guard: str) -> Applies:
    """Operations whose handler runs the guard named ``guard``."""
    return lambda op: guard in op.guards


def operation_in(operation_ids: frozenset[str]) -> Applies:
    """The operations ``operation_ids``."""
    return lambda op: op.operation_id in operation_ids


def operation_not_in(operation_ids: frozenset[str]) -> Applies:
    """Every operation but ``operation_ids``."""
    return lambda op: op.operation_id not in operation_ids


@dataclass(frozen=True)
class StatusRules:
    """The statuses one operation can answer with: a table for each fact that holds, and what it raises."""

    # (which operations, status -> codes they answer with).
    rules: tuple[tuple[Applies, CodeTable], ...]
    # operationId -> status -> codes its handler (or what it calls) raises beyond the derived ones.
    raises: Mapping[str, CodeTable] = field(default_factory=dict)

    def __call__(self, op: OperationFacts) -> ErrorStatuses:
        found: ErrorStatuses = {}
        for applies, table in self.rules:
            if applies(op):
                add_table(found, table)
        add_table(found, self.raises.get(op.operation_id, {}))
        return found


@dataclass(frozen=True)
class ErrorCatalogue:
    """One platform's errors, as the OpenAPI document shows them."""

    # The operationId prefix of the platform's operations (``tribble`` -> ``tribbleCreateTransaction``).
    platform: str
    # Component schemas the error bodies refer to, by name (the envelope, maybe a variant of it).
    components: Mapping[str, dict[str, Any]]
    # The statuses an operation can answer with, and the codes at each one.
    statuses: StatusRules
    # The component every error body is, unless ``bodies`` says otherwise.
    envelope: str
    # ``content`` of an error response at a status (media type -> {"schema": ...}), where not
    # every status answers in ``envelope`` as JSON.
    bodies: Callable[[int], dict[str, Any]] | None = None
    # Handler name -> the operationId after the platform prefix, where the handler's name is not
    # ``<verb>_<resource>`` (``topup`` -> ``TopUpAirtime``).
    operation_names: Mapping[str, str] = field(default_factory=dict)
    # operationId -> status -> ``content``: success bodies the generated document gets wrong (a PDF
    # served as ``Response[Any]``, a file of any media type).
    success_bodies: Mapping[str, Mapping[int, dict[str, Any]]] = field(default_factory=dict)
    # Operation ids the rules of ``statuses`` name (beyond its ``raises``); see ``known_operations``.
    named_operations: frozenset[str] = frozenset()

    @property
    def known_operations(self) -> frozenset[str]:
        """Operation ids the tables of this catalogue name; a test checks each one exists."""
        return self.named_operations | frozenset(self.statuses.raises) | frozenset(self.success_bodies)

    def body(self, status: int) -> dict[str, Any]:
        """``content`` of an error response at ``status``: media type -> {"schema": ...}."""
        return self.bodies(status) if self.bodies is not None else json_body(self.envelope)

    def responses(self, facts: OperationFacts) -> dict[str, dict[str, Any]]:
        """The error responses of one operation: status -> OpenAPI response object."""
        found = self.statuses(facts)
        for status in facts.declared:
            found.setdefault(status, set())
        return {
            str(status): {"description": describe(status, found[status]), "content": self.body(status)}
            for status in sorted(found)
        }


def describe(status: int, codes: Iterable[str]) -> str:
    """``Not Found: NOT_FOUND, ...``: the status's phrase and the codes sent with it."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # 498 and other statuses of no RFC
        phrase = ""
    plain = phrase.lower().replace(" ", "_")
    listed = ", ".join(sorted(code for code in codes if code.lower() != plain))
    return ": ".join(part for part in (phrase, listed) if part) or "Error"
