"""create_app(settings): the Litestar app serving every platform over one set of sandboxes."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.di import Provide
from litestar.exceptions import ValidationException

from app import heap
from app.edge import cors_config, edge_layer
from app.health import health
from app.lean_response import Response
from app.openapi_docs import openapi_config
from app.platform_paths import PlatformPaths
from app.platforms import PLATFORMS
from app.platforms.base import PlatformSpec
from app.registry import SandboxRegistry, sandbox_for
from app.sandbox.errors import control_error_response
from app.sandbox.journal import mark_unmatched
from app.settings import Settings

# Routers outside the five contracts (control API, console), added when present.
EXTRA_ROUTES: list[str] = [
    "app.sandbox.routes:ROUTES",
    "app.sandbox.workspaces:ROUTES",
    "app.sandbox.bench:ROUTES",
    "app.asyncapi:ROUTES",  # /schema/asyncapi/{cashier,tribble}.json
]


def load_platforms() -> list[PlatformSpec]:
    specs: list[PlatformSpec] = []
    for name in PLATFORMS:
        module = importlib.import_module(f"app.platforms.{name}")
        specs.append(module.PLATFORM)
    return specs


def _extra_routes() -> list[Any]:
    handlers: list[Any] = []
    for spec in EXTRA_ROUTES:
        module_name, _, attr = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        handlers.extend(getattr(module, attr))
    return handlers


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.load()
    registry = SandboxRegistry(settings)
    platforms = load_platforms()
    by_prefix = sorted(
        ((prefix, spec) for spec in platforms for prefix in spec.path_prefixes), key=lambda p: -len(p[0])
    )

    def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        path = request.url.path
        if isinstance(exc, RecursionError | UnicodeDecodeError):
            # Litestar's body decoding lets these escape for absurdly nested or non-UTF-8 bodies:
            # a client error, rendered by each platform as its own "bad request".
            decoded = ValidationException(detail="Request body could not be decoded")
            decoded.__cause__ = exc  # app.wording words it ("nested too deeply", "not UTF-8 text")
            exc = decoded
        mark_unmatched(request.scope, exc)  # the request journal shows it as not matching the contract
        for prefix, spec in by_prefix:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return spec.error_response(request, exc)
        # Outside the five contracts (health, /_sandbox, unknown paths): the control API's envelope.
        return control_error_response(request, exc)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await registry.start()
        if settings.gc_freeze:
            heap.settle()
        try:
            yield
        finally:
            await registry.stop()

    route_handlers: list[Any] = [health, *_extra_routes()]
    if settings.callgrind_marks:  # loadtests/request_cost.py: absent from every normal server
        from app.sandbox.bench import callgrind_route

        route_handlers.append(callgrind_route(settings.callgrind_marks))
    for spec in platforms:
        route_handlers.extend(spec.route_handlers)

    app = Litestar(
        route_handlers=route_handlers,
        dependencies={"sandbox": Provide(sandbox_for)},
        exception_handlers={Exception: handle_error},
        response_class=Response,  # app.lean_response: the common response built in one pass
        lifespan=[lifespan],
        openapi_config=openapi_config(platforms),
        debug=False,
    )
    # Outside Litestar's router, so 404/405 answers carry X-Request-ID (and CORS headers) too and
    # "DEL" is routed; one layer instead of a request-id wrapper plus a CORS middleware per route.
    paths = PlatformPaths(platforms)
    app.asgi_handler = edge_layer(app.asgi_handler, cors_config(settings), registry, paths)
    app.state.platform_paths = paths
    app.state.registry = registry
    app.state.settings = settings
    return app


def create_app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory`` (the CLI passes its flags through PAYSANDBOX_*)."""
    return create_app(Settings.load())
