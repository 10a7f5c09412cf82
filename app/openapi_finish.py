"""The served OpenAPI document: Litestar's generated one, finished once per app by ``SchemaFinisher``.

Litestar builds the document from the route handlers at the first ``/schema`` request and keeps it;
the render plugins of ``app/openapi_docs.py`` hand it to ``SchemaFinisher.finish``, which keeps its
result too, so none of this runs on any other request. Finishing:

- every operation's error responses come from the catalogue of the platform owning its path (the
  longest prefix, as ``app/asgi.py`` routes errors; the control API's catalogue owns the rest):
  the statuses it can answer with, each in that platform's envelope (``app/openapi_errors.py``);
- success bodies the generator cannot know are set from the catalogue (a PDF, a file of any type),
  a 204 carries no body, and a binary media type's string is ``format: binary``;
- a union is ``anyOf``, not Litestar's ``oneOf``: ``int | float`` is both ``integer`` and ``number``
  for 50000, which ``oneOf`` forbids (a validating client would refuse the body);
- component schemas get clean names (``app/openapi_names.py``) and unreferenced ones go.

Operation ids are given by ``SchemaFinisher.operation_id``, Litestar's ``operation_id_creator``:
``<platform><Verb><Resource>`` in camelCase (a handler's own ``operation_id`` wins).
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from litestar.routes import HTTPRoute

from app.openapi_errors import ErrorCatalogue, OperationFacts
from app.openapi_names import camel, clean_component_names, drop_unreferenced_components

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.handlers import HTTPRouteHandler
    from litestar.types import Method
    from litestar.types.internal_types import PathParameterDefinition

    from app.platforms.base import PlatformSpec

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
CONTROL_CATALOGUE = "app.sandbox.openapi"
_TEXT_MEDIA = ("text/", "application/json", "application/problem+json", "application/x-www-form-urlencoded")


def catalogue_of(module_name: str) -> ErrorCatalogue | None:
    """``CATALOGUE`` of ``<module_name>``; None when the module does not exist or declares none (a platform
    without REST routes)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    catalogue: ErrorCatalogue | None = getattr(module, "CATALOGUE", None)
    return catalogue


def platform_catalogue(name: str) -> ErrorCatalogue | None:
    """A platform's catalogue: ``CATALOGUE`` of its ``errors.py`` (beside the envelope it documents)."""
    return catalogue_of(f"app.platforms.{name}.errors")


class SchemaFinisher:
    """Finishes the generated document of one app (``finish``) and names its operations (``operation_id``)."""

    def __init__(self, owners: Sequence[tuple[str, ErrorCatalogue | None]], default: ErrorCatalogue) -> None:
        # Longest prefix first, as app/asgi.py renders errors.
        self.owners = sorted(owners, key=lambda owner: -len(owner[0]))
        self.default = default
        self._finished: tuple[dict[str, Any], dict[str, Any]] | None = None

    @classmethod
    def for_platforms(cls, platforms: Iterable[PlatformSpec]) -> SchemaFinisher:
        """Each platform's catalogue (its ``errors.py``) for its prefixes, the control API's for the rest."""
        default = catalogue_of(CONTROL_CATALOGUE)
        assert default is not None, CONTROL_CATALOGUE
        owners = [(prefix, platform_catalogue(spec.name)) for spec in platforms for prefix in spec.path_prefixes]
        return cls(owners, default)

    @property
    def catalogues(self) -> list[ErrorCatalogue]:
        found = [self.default]
        for _, catalogue in self.owners:
            if catalogue is not None and all(catalogue is not known for known in found):
                found.append(catalogue)
        return found

    def owner(self, path: str) -> ErrorCatalogue:
        """The catalogue of the platform whose envelope errors under ``path`` are rendered in."""
        for prefix, catalogue in self.owners:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                if catalogue is None:
                    raise LookupError(f"{path} is served by a platform without an OpenAPI catalogue (errors.CATALOGUE)")
                return catalogue
        return self.default

    def operation_id(
        self,
        route_handler: HTTPRouteHandler,
        http_method: Method,
        path_components: list[str | PathParameterDefinition],
    ) -> str:
        """``<platform><Verb><Resource>``: the catalogue's name for the handler, else its function name."""
        path = "/" + "/".join(part if isinstance(part, str) else "{" + part.name + "}" for part in path_components)
        catalogue = self.owner(path)
        handler_name = route_handler.handler_name
        name = catalogue.operation_names.get(handler_name) or camel(handler_name.removesuffix("_route"))
        if len(route_handler.http_methods) > 1:
            name = camel(str(http_method).lower()) + name
        return catalogue.platform + name

    def finish(self, generated: dict[str, Any], app: Litestar) -> dict[str, Any]:
        """The served document (computed once: Litestar keeps ``generated`` for the app's life)."""
        if self._finished is not None and self._finished[0] is generated:
            return self._finished[1]
        document = copy.deepcopy(generated)
        handlers = handlers_by_operation(app)
        for path, item in document.get("paths", {}).items():
            catalogue = self.owner(path)
            for method, operation in item.items():
                if method not in HTTP_METHODS or not isinstance(operation, dict):
                    continue
                facts = facts_of(path, method, operation, handlers.get((path, method.upper())))
                _finish_operation(operation, catalogue, facts)
        schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
        for catalogue in self.catalogues:
            for name, schema in catalogue.components.items():
                if name in schemas:
                    raise ValueError(f"the {catalogue.platform} component {name!r} collides with a generated one")
                schemas[name] = schema
        unions_as_any_of(document)
        clean_component_names(document)
        drop_unreferenced_components(document)
        self._finished = (generated, document)
        return document


def handlers_by_operation(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    """(path as in the document, METHOD) -> the route handler serving it."""
    found: dict[tuple[str, str], HTTPRouteHandler] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in handler.http_methods:
                    found[(route.path_format or "/", str(method).upper())] = handler
    return found


def facts_of(path: str, method: str, operation: dict[str, Any], handler: HTTPRouteHandler | None) -> OperationFacts:
    parameters = [p for p in operation.get("parameters", []) if isinstance(p, dict)]
    path_params = [p for p in parameters if p.get("in") == "path"]
    declared: frozenset[int] = frozenset()
    handler_params: frozenset[str] = frozenset()
    guards: frozenset[str] = frozenset()
    handler_name = ""
    if handler is not None:
        handler_name = handler.handler_name
        handler_params = frozenset(handler.parsed_fn_signature.parameters)
        guards = frozenset(_guard_name(guard) for guard in handler.resolve_guards())
        declared = frozenset(int(status) for status in (handler.responses or {}) if int(status) >= 400)
    return OperationFacts(
        method=method.upper(),
        path=path,
        operation_id=str(operation.get("operationId", "")),
        handler_name=handler_name,
        handler_params=handler_params,
        guards=guards,
        has_body="requestBody" in operation,
        path_params=tuple(str(p["name"]) for p in path_params),
        other_params=tuple(str(p["name"]) for p in parameters if p.get("in") != "path"),
        typed_path_params=any(_converted(p.get("schema", {})) for p in path_params),
        declared=declared,
    )


def unions_as_any_of(node: Any) -> None:
    """Every ``oneOf`` without a discriminator becomes ``anyOf`` (Python unions may overlap), in place."""
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" not in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            unions_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            unions_as_any_of(value)


def _guard_name(guard: Any) -> str:
    guard = getattr(guard, "func", guard)  # Litestar wraps a sync guard in an AsyncCallable
    return str(getattr(guard, "__name__", type(guard).__name__))


def _converted(schema: dict[str, Any]) -> bool:
    return schema.get("type") != "string" or "format" in schema


def _finish_operation(operation: dict[str, Any], catalogue: ErrorCatalogue, facts: OperationFacts) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in [status for status in responses if status[:1] in ("4", "5")]:
        del responses[status]
    for status, content in catalogue.success_bodies.get(facts.operation_id, {}).items():
        responses.setdefault(str(status), {"description": "Success"})["content"] = copy.deepcopy(content)
    for status, response in responses.items():
        if status == "204":
            response.pop("content", None)  # Litestar shows {"type": "null"}; nothing is sent
        for media_type, media in response.get("content", {}).items():
            schema = media.get("schema")
            if not media_type.startswith(_TEXT_MEDIA) and isinstance(schema, dict) and schema.get("type") == "string":
                schema.setdefault("format", "binary")
    responses.update(catalogue.responses(facts))
