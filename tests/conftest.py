"""Shared fixtures: settings on a temp database, a started core sandbox, an HTTP client, a live server.

Dates: no test runs on today's date. Every sandbox a test starts has its clock anchored at
``TEST_NOW`` (``PAYSANDBOX_CLOCK_START``; the clock runs from there), a fixed instant by default.
``PAYSANDBOX_TEST_NOW=<ISO instant>`` moves that instant and the machine's wall clock in this
process (time-machine, ticking) to an awkward date: `.ci/run` runs the ``calendar`` tests again at
2027-01-31, 2028-02-29 and 2026-12-31T23:59:30Z.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.runtime import Sandbox
from app.settings import Settings
from tests.support.sandboxes import started_sandbox
from tests.support.server import LiveServer, live_server

DEFAULT_TEST_NOW = "2026-03-10T09:00:00Z"
TEST_NOW = os.environ.get("PAYSANDBOX_TEST_NOW", "").strip() or DEFAULT_TEST_NOW

# The modules whose tests read "now" in ways a date can break (billing periods, daily and monthly
# limits, windows, statements, expiries, backoff, seeds): `pytest -m calendar` runs them.
CALENDAR_MODULES = (
    "tests/unit/test_calendar_edges.py",
    "tests/unit/test_clock_anchor.py",
    "tests/unit/test_scheduler.py",
    "tests/unit/ledger/test_statements.py",
    "tests/unit/identity/test_ratelimit.py",
    "tests/integration/test_identity_otp.py",
    "tests/integration/test_identity_tokens.py",
    "tests/integration/test_seeds_rebase.py",
    "tests/integration/test_simulators_webhooks.py",
    "tests/integration/test_simulators_operations.py",
    "tests/contract/tribble/test_subscriptions.py",
    "tests/contract/tribble/test_settlement_schedule.py",
    "tests/contract/tribble/test_disputes_fraud.py",
    "tests/contract/nivo/test_statements.py",
    "tests/contract/nivo/test_money.py",
    "tests/contract/cashier/test_flows.py",
)
_traveller = None


def pytest_configure(config: pytest.Config) -> None:
    global _traveller
    os.environ["PAYSANDBOX_CLOCK_START"] = TEST_NOW  # also read by servers the tests start in subprocesses
    if os.environ.get("PAYSANDBOX_TEST_NOW", "").strip():
        import time_machine

        _traveller = time_machine.travel(TEST_NOW, tick=True)
        _traveller.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _traveller is not None:
        _traveller.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        if Path(str(item.path)).relative_to(root).as_posix() in CALENDAR_MODULES:
            item.add_marker(pytest.mark.calendar)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh empty database (migrations only), fast bcrypt, rate limits off unless a test turns them on."""
    return Settings.load(
        env={},
        db=tmp_path / "sandbox.db",
        example_db=tmp_path / "no-example.db",
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
        clock_start=TEST_NOW,
    )


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """A started sandbox (core services, simulators) without HTTP."""
    async with started_sandbox(settings) as box:
        yield box


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn server on a free port (WebSocket, Socket.IO and e2e tests)."""
    with live_server(settings) as server:
        yield server
