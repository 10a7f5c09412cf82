"""The one ASGI layer every HTTP request passes before Litestar routes it.

It does, in one coroutine with one ``send`` wrapper, what used to be three nested layers
(a request-id middleware around Litestar, Litestar's CORS middleware around every route):

- ``DEL`` is routed as ``DELETE`` (T-Wallet's guide documents ``DEL /profile/contact/<id>``);
- ``X-Request-ID`` is echoed on every response, 404/405 included (generated when the client sent
  none) and kept in ``scope["state"]["request_id"]`` for the platforms' error envelopes;
- CORS, when the request carries an ``Origin`` (a browser's cross-origin call): the preflight is
  answered here and the response gets the CORS headers, by Litestar's own CORS rules
  (``CORSConfig``), so requests without an ``Origin`` pay nothing for it.

WebSocket and lifespan scopes pass straight through.
"""

from __future__ import annotations

import itertools
import secrets

from litestar.config.cors import CORSConfig
from litestar.middleware._internal.cors import CORSMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings

# Generated request ids: a per-process random prefix and a counter (no entropy read per request).
_REQUEST_ID_PREFIX = secrets.token_hex(4)
_request_counter = itertools.count(1)

# Headers a browser page may read from a cross-origin response.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Sandbox-Explain",
]


def cors_config(settings: Settings) -> CORSConfig | None:
    """Any origin matching the setting may call the sandbox from a browser, cookies included."""
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=[],
        allow_origin_regex=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
    )


def next_request_id() -> str:
    return f"req_{_REQUEST_ID_PREFIX}{next(_request_counter) & 0xFFFFFFFF:08x}"


def edge_layer(app: ASGIApp, cors: CORSConfig | None) -> ASGIApp:
    """Wrap Litestar's ASGI handler (``app.asgi_handler``) in the request edge described above."""
    with_cors: ASGIApp | None = CORSMiddleware(app=app, config=cors) if cors is not None else None

    async def edge(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if scope["method"] == "DEL":
            scope["method"] = "DELETE"
        sent = None
        has_origin = False
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                sent = value.decode("latin-1")[:200]
            elif key == b"origin":
                has_origin = True
        request_id = sent or next_request_id()
        scope["state"]["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                if not any(k.lower() == b"x-request-id" for k, _ in headers):
                    message["headers"] = [*headers, id_header]
            await send(message)

        inner = with_cors if has_origin and with_cors is not None else app
        await inner(scope, receive, send_with_id)

    return edge
