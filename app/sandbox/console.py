"""GET /_sandbox/: the web console, server-rendered HTML (Jinja2) with a little plain JavaScript.

Panels, one at a time behind a side navigation (``#users``, ``#inbox``, ...; without JavaScript
they stack): users (demo accounts pinned, search and pages: ``console_users``), OTP inbox
(auto-refreshing), clock controls, pending simulated operations (complete / fail), simulator
settings, webhook deliveries with resend, the event log (auto-refreshing, payloads collapsed),
the request journal (``static/console_requests.js``: filters, a request expanded, copy as curl),
fault rules (add / delete), snapshots and reset, settings. Every button calls the JSON control API; the page never holds
state of its own. A panel whose service is not installed says so instead of failing the page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.static_files import create_static_files_router

from app.core.money import format_amount
from app.core.tunables import tunables_of
from app.lean_response import Response
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox import snapshots
from app.sandbox.api_clock import clock_state
from app.sandbox.api_people import message_view
from app.sandbox.api_state import event_view
from app.sandbox.api_world import delivery_view, operation_view, simulator_names, simulator_view
from app.sandbox.console_users import UserBrowse, users_panel
from app.sandbox.errors import ServiceUnavailable
from app.sandbox.guard import TOKEN_COOKIE, TOKEN_QUERY, expected_token
from app.sandbox.services import identity, part, simulators

log = logging.getLogger("paysandbox.sandbox")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["money"] = lambda minor, currency: _money(minor, currency)
_env.tests["member"] = lambda name: ":" in str(name)  # partner:PTN-001 is a member of the partner family

T = TypeVar("T")


def _static_version() -> str:
    """A digest of the console's CSS and JS: their URLs change with their content (no stale cached copy)."""
    digest = hashlib.sha256()
    for name in ("console.css", "console.js", "console_requests.js"):
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]


STATIC_VERSION = _static_version()


def _money(minor: int, currency: str) -> str:
    try:
        return f"{format_amount(int(minor), currency)} {currency}"
    except Exception:
        return f"{minor} (minor) {currency}"


async def _section(name: str, load: Callable[[], Awaitable[T]]) -> tuple[T | None, str | None]:
    """Load one section; a missing service or a failure becomes a note, never a broken page."""
    try:
        return await load(), None
    except ServiceUnavailable as exc:
        return None, str(exc.detail)
    except Exception as exc:
        log.exception("console section %s failed", name)
        return None, f"could not load: {type(exc).__name__}: {exc}"


async def _latest_events(sandbox: Sandbox, limit: int = 40) -> list[Any]:
    row = await sandbox.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM events")
    newest = int(row[0]) if row is not None else 0
    events = await sandbox.events.log(after=max(0, newest - limit), limit=limit)
    return [event_view(e) for e in reversed(events)]


async def _inbox(sandbox: Sandbox) -> list[Any]:
    return [message_view(m) for m in await identity(sandbox).inbox(limit=25)]


async def _simulators(sandbox: Sandbox) -> list[Any]:
    settings = part(simulators(sandbox), "settings", "simulator settings")
    return [simulator_view(await settings.get(n)) for n in await simulator_names(sandbox)]


async def _operations(sandbox: Sandbox) -> list[Any]:
    ops = part(simulators(sandbox), "operations", "operations")
    return [operation_view(o) for o in await ops.list(limit=25)]


async def _deliveries(sandbox: Sandbox) -> list[Any]:
    hooks = part(simulators(sandbox), "webhooks", "webhooks")
    return [delivery_view(d) for d in await hooks.deliveries(limit=25)]


async def _snapshots(sandbox: Sandbox) -> list[Any]:
    return list(reversed(snapshots.list_snapshots(sandbox)))


async def _faults(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [rule.as_dict() for rule in sandbox.faults.rules]


async def _platform_settings(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [{"platform": name, "settings": await t.read()} for name, t in tunables_of(sandbox).items()]


async def render_console(sandbox: Sandbox, browse: UserBrowse | None = None) -> str:
    context: dict[str, Any] = {
        "clock": clock_state(sandbox),
        "workspace": sandbox.name,
        "static_version": STATIC_VERSION,
        "rate_limits": bool(getattr(getattr(sandbox, "ratelimits", None), "enabled", sandbox.settings.rate_limits)),
    }
    loaders: dict[str, Callable[[], Awaitable[Any]]] = {
        "inbox": lambda: _inbox(sandbox),
        "users": lambda: users_panel(sandbox, browse or UserBrowse()),
        "operations": lambda: _operations(sandbox),
        "simulators": lambda: _simulators(sandbox),
        "deliveries": lambda: _deliveries(sandbox),
        "events": lambda: _latest_events(sandbox),
        "snapshots": lambda: _snapshots(sandbox),
        "platform_settings": lambda: _platform_settings(sandbox),
        "faults": lambda: _faults(sandbox),
    }
    for name, load in loaders.items():
        context[name], context[f"{name}_note"] = await _section(name, load)
    return _env.get_template("console.html").render(**context)


@get("/", include_in_schema=False, summary="The sandbox web console")
async def console_page(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[str]:
    html = await render_console(sandbox, UserBrowse.from_query(request.query_params))
    response: Response[str] = Response(html, media_type="text/html")
    token = request.query_params.get(TOKEN_QUERY)
    if token and expected_token(request):
        # The guard already checked it; keep it for the page's own fetches and reloads.
        response.set_cookie(Cookie(key=TOKEN_COOKIE, value=token, httponly=True, samesite="strict", path="/_sandbox"))
    return response


console_static = create_static_files_router(
    path="/static", directories=[STATIC], name="sandbox-console-static", include_in_schema=False
)
