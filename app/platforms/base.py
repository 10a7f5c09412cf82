"""What every platform package exposes to the app factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response


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
