"""The OpenAPI pages, served whole by this process: they work on an air-gapped laptop or CI runner.

``/schema`` and ``/schema/swagger`` are Swagger UI, ``/schema/scalar`` is Scalar, and
``/schema/openapi.json`` the document. Litestar's render plugins load their scripts, styles and
favicon from CDNs by default (and Scalar its fonts); here every one of them comes from pinned
copies in ``app/openapi_assets/`` (versions, licences and how to refresh them: its README),
stored gzip-compressed and served at ``/schema/assets/<bundle>/<file>``: as they are to a browser
that accepts gzip (all do), decompressed once for a client that does not.

Every page and ``/schema/openapi.json`` render the finished document of ``app/openapi_finish.py``
(each platform's error envelopes, clean component names, one operationId scheme), not Litestar's
raw one: ``FinishedDocument`` is mixed into each render plugin.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin

from app.health import VERSION
from app.lean_response import Response
from app.openapi_finish import SchemaFinisher

if TYPE_CHECKING:
    from app.platforms.base import PlatformSpec

SCHEMA_PATH = "/schema"
ASSETS = Path(__file__).resolve().parent / "openapi_assets"
NO_FAVICON = "<link rel='icon' href='data:,'>"  # no favicon request at all (Litestar's is on a CDN)
# Scalar's page template links one stylesheet (Litestar's theme, on a CDN); Scalar styles itself.
EMPTY_STYLESHEET = "data:text/css,"
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}  # Litestar adds "; charset=utf-8"
# The URLs carry the version, so a browser may keep a file for good.
_CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class VendoredBundle:
    """Files of one pinned npm package, kept as ``ASSETS/<directory>/<file>.gz``."""

    package: str
    version: str
    directory: str
    files: tuple[str, ...]

    def url(self, file: str) -> str:
        assert file in self.files, file
        return f"{SCHEMA_PATH}/assets/{self.directory}/{file}"

    def path(self, file: str) -> Path:
        return ASSETS / self.directory / f"{file}.gz"


SWAGGER_UI = VendoredBundle(
    "swagger-ui-dist",
    "5.18.2",
    "swagger-ui-5.18.2",
    ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"),
)
SCALAR = VendoredBundle("@scalar/api-reference", "1.76.4", "scalar-1.76.4", ("standalone.js",))
BUNDLES = (SWAGGER_UI, SCALAR)


@cache
def _compressed(path: Path) -> bytes:
    return path.read_bytes()


@cache
def _decompressed(path: Path) -> bytes:
    return gzip.decompress(_compressed(path))


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip`` or ``*``, with a q above 0)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        return True
    return False


def asset_route(bundle: VendoredBundle) -> HTTPRouteHandler:
    """``GET /schema/assets/<bundle>/<file>``: one vendored file (gzip when the client takes it)."""

    @get(
        f"/assets/{bundle.directory}/{{file:str}}",
        include_in_schema=False,
        sync_to_thread=False,
        name=f"openapi-assets-{bundle.directory}",
    )
    def serve_asset(request: Request[Any, Any, Any], file: str) -> Response[bytes]:
        if file not in bundle.files:
            raise NotFoundException(f"No file {file!r} in {bundle.package} {bundle.version}")
        path = bundle.path(file)
        headers = {"Cache-Control": _CACHE_CONTROL, "Vary": "Accept-Encoding"}
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            headers["Content-Encoding"] = "gzip"
            body = _compressed(path)
        else:
            body = _decompressed(path)
        return Response(body, media_type=_MEDIA_TYPES[PurePosixPath(file).suffix], headers=headers)

    return serve_asset


class FinishedDocument(OpenAPIRenderPlugin):
    """A render plugin that renders the finished document (``SchemaFinisher.finish``) instead of the raw one."""

    finisher: SchemaFinisher

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, self.finisher.finish(openapi_schema, request.app))


class OpenAPIJson(FinishedDocument, JsonRenderPlugin):
    """``/schema/openapi.json``."""

    def __init__(self, finisher: SchemaFinisher) -> None:
        self.finisher = finisher
        super().__init__()


class OfflineSwagger(FinishedDocument, SwaggerRenderPlugin):
    """Swagger UI from the vendored swagger-ui-dist."""

    def __init__(self, finisher: SchemaFinisher) -> None:
        self.finisher = finisher
        super().__init__(
            js_url=SWAGGER_UI.url("swagger-ui-bundle.js"),
            css_url=SWAGGER_UI.url("swagger-ui.css"),
            standalone_preset_js_url=SWAGGER_UI.url("swagger-ui-standalone-preset.js"),
            favicon=NO_FAVICON,
        )

    def receive_router(self, router: Router) -> None:
        super().receive_router(router)
        router.register(asset_route(SWAGGER_UI))


# A self-hosted, offline page: system fonts (not Scalar's web fonts), no telemetry, and none of the
# features that call Scalar's hosted services (developer toolbar, "Ask AI" agent).
SCALAR_OPTIONS: dict[str, Any] = {
    "withDefaultFonts": False,
    "telemetry": False,
    "showDeveloperTools": "never",
    "agent": {"disabled": True},
}


class OfflineScalar(FinishedDocument, ScalarRenderPlugin):
    """Scalar from the vendored standalone bundle (``SCALAR_OPTIONS``)."""

    def __init__(self, finisher: SchemaFinisher) -> None:
        self.finisher = finisher
        super().__init__(
            js_url=SCALAR.url("standalone.js"),
            css_url=EMPTY_STYLESHEET,
            options=SCALAR_OPTIONS,
            favicon=NO_FAVICON,
        )

    def receive_router(self, router: Router) -> None:
        super().receive_router(router)
        router.register(asset_route(SCALAR))


def openapi_config(platforms: Sequence[PlatformSpec]) -> OpenAPIConfig:
    """The app's OpenAPI document and its pages (Swagger UI first, so it is also ``/schema``)."""
    finisher = SchemaFinisher.for_platforms(platforms)
    return OpenAPIConfig(
        title="Paysandbox",
        version=VERSION,
        description="Payments sandbox serving the Cashier, Tribble, Nivo, T-Wallet and Drop contracts.",
        path=SCHEMA_PATH,
        render_plugins=[OfflineSwagger(finisher), OfflineScalar(finisher), OpenAPIJson(finisher)],
        operation_id_creator=finisher.operation_id,
    )
