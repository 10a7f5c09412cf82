"""Schemathesis against the served OpenAPI schema: every REST route of the five platforms, valid tokens,
and every operation of the /_sandbox control API with the control token.

For each operation in ``/schema/openapi.json`` under a platform's prefix, Schemathesis generates
requests (positive and negative data: wrong types, missing fields, odd strings) and sends them to a
real uvicorn server with a valid token of a user who has wallets and bank accounts. Every answer
must be below 500, and every 4xx must be in the platform's own envelope. The control API runs on a
server of its own through the examples, coverage and fuzzing phases (at least 5 examples each).
``PAYSANDBOX_FUZZ_EXAMPLES`` raises the number of examples per operation (default 3: a fast CI run).

Left out so the session stays valid for the rest of the run (each has its own tests): logout,
account deletion and password changes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from math import inf

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from litestar.testing import AsyncTestClient
from schemathesis import GenerationMode
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test

from app.core.numbers import INT64_MAX, INT64_MIN
from app.settings import Settings
from tests.reliability.envelopes import ENVELOPES, platform_of
from tests.reliability.fuzz_user import fuzz_user_token
from tests.support.server import LiveServer, live_server

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("PAYSANDBOX_FUZZ_EXAMPLES", "3"))
CONTROL_EXAMPLES = max(5, EXAMPLES)
CONTROL_TOKEN = "fuzz-control-token"
SKIP = re.compile(r"/auth/logout$|/user/account$|/change-password$|/password/change$|/auth/refresh")


@pytest.fixture
def served(settings: Settings) -> Iterator[LiveServer]:
    with live_server(settings) as server:
        yield server


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_rest_route_survives_generated_requests(mode: GenerationMode, served: LiveServer) -> None:
    token = fuzz_user_token(served.base_url, served.settings.db)
    schema = schemathesis.openapi.from_url(f"{served.base_url}/schema/openapi.json")
    headers = {"Authorization": f"Bearer {token}", "X-Authorization": token}
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        platform = platform_of(operation.path)
        if platform is None or SKIP.search(operation.path):
            continue
        tested += 1
        envelope = ENVELOPES[platform]
        name = platform

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=served.base_url, headers=headers, timeout=30)
            label = f"{case.method} {case.formatted_path} -> {response.status_code}"
            assert response.status_code < 500, f"{label}: {response.text[:300]}"
            if response.status_code >= 400:
                wrapped = httpx.Response(
                    response.status_code,
                    headers=[(k, v) for k, values in response.headers.items() for v in values],
                    content=response.content,
                    request=httpx.Request(case.method, f"{served.base_url}{case.formatted_path}"),
                )
                try:
                    envelope(wrapped)  # noqa: B023 - run() runs before the loop moves on
                except AssertionError as exc:
                    raise AssertionError(f"{label}: not in the {name} envelope: {response.text[:300]}") from exc  # noqa: B023

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            continue  # nothing to negate in this operation (negative mode)
        except Exception as exc:  # collect every operation's first failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).splitlines()[0][:400]}")
    assert tested > 50, tested
    assert not failures, "\n".join(failures)


async def test_every_integer_parameter_is_bounded_to_sqlite_integers(client: AsyncTestClient) -> None:
    """Litestar reads an ``int`` path or query value of any length; SQLite's driver overflows past 64 bits.
    So every integer parameter in the schema carries both bounds, inside int64 (``app.core.numbers``)."""
    schema = (await client.get("/schema/openapi.json")).json()
    low, high = float(INT64_MIN), float(INT64_MAX)  # Litestar writes the bounds as floats
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                spec = parameter.get("schema", {})
                if (
                    "integer" in json.dumps(spec)
                    and not low <= spec.get("minimum", -inf) <= spec.get("maximum", inf) <= high
                ):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}: {spec}")
    assert not unbounded, unbounded


def _control_error(response: httpx.Response) -> None:
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body


@pytest.fixture
def control_served(settings: Settings) -> Iterator[LiveServer]:
    """The control API's own server: the run may reset, restore, delete workspaces and move the clock freely."""
    with live_server(settings.replace(control_token=CONTROL_TOKEN)) as server:
        fuzz_user_token(server.base_url)  # a user with wallets and merchants for generated refs to find
        yield server


def test_every_control_operation_survives_generated_requests(control_served: LiveServer) -> None:
    """Every /_sandbox operation through Schemathesis' examples, coverage and fuzzing phases (positive and
    negative data), with the control token: no 5xx, every 4xx ``{"error", "message"}``.

    ``create_test`` is the builder behind both ``schemathesis run`` and ``@schema.parametrize()`` (whose lazy
    ``from_fixture`` form breaks on pytest 9.2); it gives each operation one Hypothesis test over the three phases.
    """
    base_url = control_served.base_url
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    headers = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    settings = hypothesis.settings(
        max_examples=CONTROL_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    modes = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]

    called: set[str] = set()

    def check(case: schemathesis.Case) -> None:
        called.add(case.operation.label)
        response = case.call(base_url=base_url, headers=headers, timeout=60)
        label = f"{case.method} {case.formatted_path} -> {response.status_code}"
        assert response.status_code < 500, f"{label}: {response.text[:300]}"
        if response.status_code >= 400:
            try:
                _control_error(httpx.Response(response.status_code, content=response.content))
            except (AssertionError, ValueError) as exc:
                raise AssertionError(f"{label}: not the control API's error shape: {response.text[:300]}") from exc

    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/_sandbox/"):
            continue
        tested += 1
        config = HypothesisTestConfig(project=schema.config, modes=modes, settings=settings)
        try:
            create_test(operation=operation, test_func=check, config=config)()
        except Exception as exc:  # collect every operation's first failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).splitlines()[0][:400]}")
    assert tested >= 40 and len(called) == tested, (tested, len(called))
    assert not failures, "\n".join(failures)
