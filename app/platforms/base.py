"""What every platform package exposes to the app factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request

from app.lean_response import Response


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    # Litestar route handlers / routers / controllers of this contract.
    route_handlers: list[Any]
    # Path prefixes this platform answers for; unknown paths and framework errors under them
    # are rendered with ``error_response`` (longest prefix wins).
    path_prefixes: tuple[str, ...]
    # Render any exception raised under this platform's paths in its own envelope.
    error_response: Callable[[Request[Any, Any, Any], Exception], Response[Any]]
    # For a socket contract: why a client frame does not fit it (None when it does). The request
    # journal asks it when read, to fill ``matched`` of WebSocket frames.
    frame_contract: Callable[[Any], str | None] | None = None


def request_clock_time(request: Request[Any, Any, Any]) -> float | None:
    """Epoch seconds on the clock of the sandbox serving ``request``, for error envelopes' timestamps.

    An unrouted path has no sandbox in its scope yet: the default sandbox's clock is used then;
    None when the app has no registry at all.
    """
    sandbox = request.scope.get("paysandbox.sandbox")  # type: ignore[call-overload]
    if sandbox is not None:
        return float(sandbox.clock.time())
    registry = getattr(request.app.state, "registry", None)
    default = getattr(registry, "default", None)
    if default is not None:
        return float(default.clock.time())
    return None
