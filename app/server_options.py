"""The uvicorn options `paysandbox serve` runs with: one definition, so the benchmark's bare-framework
ceiling (loadtests/bare_app.py) runs under exactly the same server and flags."""

from __future__ import annotations

from typing import Any

from app.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        # uvloop and httptools (both in uvicorn[standard]), named so a missing one fails loudly instead
        # of silently falling back to the pure-Python loop and parser.
        "loop": "uvloop",
        "http": "httptools",
        # No per-request logging call on the hot path: the access log is opt-in (--access-log).
        "access_log": settings.access_log,
        # Forwarded-header rewriting is a middleware layer every request pays; only behind a proxy.
        "proxy_headers": settings.proxy_headers,
        "ws_max_size": 16 * 1024 * 1024,
        # Cashier documents "ping/pong every 54 seconds" and a 60 s idle timeout.
        "ws_ping_interval": settings.ws_ping_interval,
        "ws_ping_timeout": settings.ws_ping_timeout,
        "timeout_graceful_shutdown": 10,
    }
