"""create_app(settings): the Litestar app serving every platform over one set of sandboxes."""

from __future__ import annotations

import importlib
import itertools
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.di import Provide
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.health import VERSION, health
from app.platforms import PLATFORMS
from app.platforms.base import PlatformSpec
from app.registry import SandboxRegistry, sandbox_for
from app.sandbox.errors import control_error_response
from app.settings import Settings

# Routers outside the five contracts (control API, console), added when present.
EXTRA_ROUTES: list[str] = ["app.sandbox.routes:ROUTES", "app.sandbox.workspaces:ROUTES", "app.sandbox.bench:ROUTES"]


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


# Generated request ids: a per-process random prefix and a counter (no entropy read per request).
_REQUEST_ID_PREFIX = secrets.token_hex(4)
_request_counter = itertools.count(1)


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Echo ``X-Request-ID`` on every HTTP response (generated when the client sent none)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if scope["method"] == "DEL":  # T-Wallet's guide documents "DEL /profile/contact/<id>"
            scope["method"] = "DELETE"
        sent = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                sent = value.decode("latin-1")[:200]
                break
        request_id = sent or f"req_{_REQUEST_ID_PREFIX}{next(_request_counter) & 0xFFFFFFFF:08x}"
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if "x-request-id" not in headers:
                    headers["X-Request-ID"] = request_id
            await send(message)

        await app(scope, receive, send_with_id)

    return middleware


def _cors(settings: Settings) -> CORSConfig | None:
    """Any origin matching the setting may call the sandbox from a browser, cookies included."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=[],
        allow_origin_regex=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[
            "X-Request-ID",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Retry-After",
            "X-Sandbox-Explain",
        ],
    )


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
            exc = ValidationException(detail="Request body could not be decoded")
        for prefix, spec in by_prefix:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return spec.error_response(request, exc)
        # Outside the five contracts (health, /_sandbox, unknown paths): the control API's envelope.
        return control_error_response(request, exc)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await registry.start()
        try:
            yield
        finally:
            await registry.stop()

    route_handlers: list[Any] = [health, *_extra_routes()]
    for spec in platforms:
        route_handlers.extend(spec.route_handlers)

    app = Litestar(
        route_handlers=route_handlers,
        dependencies={"sandbox": Provide(sandbox_for)},
        exception_handlers={Exception: handle_error},
        cors_config=_cors(settings),
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Paysandbox",
            version=VERSION,
            description="Payments sandbox serving the Cashier, Tribble, Nivo, T-Wallet and Drop contracts.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin()],
        ),
        debug=False,
    )
    # Outside Litestar's router, so 404/405 answers carry X-Request-ID too and "DEL" is routed.
    app.asgi_handler = request_id_middleware(app.asgi_handler)
    app.state.registry = registry
    app.state.settings = settings
    return app


def create_app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory`` (the CLI passes its flags through PAYSANDBOX_*)."""
    return create_app(Settings.load())
