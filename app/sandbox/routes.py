"""The /_sandbox control API and console: one Router with the control-token guard and JSON errors.

``ROUTES`` is picked up by ``app.asgi`` (``EXTRA_ROUTES``). Every handler works on the sandbox
serving the request (``sandbox: SandboxDep``), so it follows workspaces.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router

from app.lean_response import Response
from app.sandbox.api_clock import ClockController
from app.sandbox.api_faults import FaultController
from app.sandbox.api_fixtures import FixtureController
from app.sandbox.api_money import MoneyController
from app.sandbox.api_people import InboxController, UserController, mint_token
from app.sandbox.api_platforms import PlatformSettingsController
from app.sandbox.api_requests import RequestJournalController
from app.sandbox.api_state import EventController, SettingsController, SnapshotController, reset_sandbox
from app.sandbox.api_world import OperationController, SimulatorController, WebhookController, magic_catalogue
from app.sandbox.console import console_page, console_static
from app.sandbox.errors import control_error_response
from app.sandbox.guard import control_token_guard
from app.sandbox.journal import mark_unmatched

CONTROL_PREFIX = "/_sandbox"


def control_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    mark_unmatched(request.scope, exc)  # the request journal shows a refused body as not matching
    return control_error_response(request, exc)


control_router = Router(
    path=CONTROL_PREFIX,
    route_handlers=[
        ClockController,
        InboxController,
        UserController,
        MoneyController,
        FixtureController,
        mint_token,
        SimulatorController,
        OperationController,
        magic_catalogue,
        WebhookController,
        SnapshotController,
        SettingsController,
        PlatformSettingsController,
        EventController,
        RequestJournalController,
        FaultController,
        reset_sandbox,
        console_page,
        console_static,
    ],
    guards=[control_token_guard],
    exception_handlers={Exception: control_error},
)

ROUTES: list[Any] = [control_router]
