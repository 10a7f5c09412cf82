"""Schemathesis against the served OpenAPI schema: every REST route of the five platforms, valid tokens.

For each operation in ``/schema/openapi.json`` under a platform's prefix, Schemathesis generates
requests (positive and negative data: wrong types, missing fields, odd strings) and sends them to a
real uvicorn server with a valid token of a user who has wallets and bank accounts. Every answer
must be below 500, and every 4xx must be in the platform's own envelope. ``PAYSANDBOX_FUZZ_EXAMPLES``
raises the number of examples per operation (default 3: a fast CI run).

Left out so the session stays valid for the rest of the run (each has its own tests): logout,
account deletion and password changes.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode

from app.settings import Settings
from tests.reliability.envelopes import ENVELOPES, platform_of
from tests.support.server import LiveServer, live_server

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("PAYSANDBOX_FUZZ_EXAMPLES", "3"))
SKIP = re.compile(r"/auth/logout$|/user/account$|/change-password$|/password/change$|/auth/refresh")


@pytest.fixture
def served(settings: Settings) -> Iterator[LiveServer]:
    with live_server(settings) as server:
        yield server


def _session_token(base_url: str, db: Path | None = None) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        reg = http.post(
            "/api/auth/register",
            json={
                "email": "fuzz@example.com",
                "password": "secret123",
                "firstName": "Fuzz",
                "lastName": "Tester",
                "dateOfBirth": "1990-01-01",
            },
        )
        assert reg.status_code == 201, reg.text
        token = reg.cookies["drop_token"]
        auth = {"Authorization": f"Bearer {token}"}
        # State that lets generated requests get past "no wallet" / "not a merchant" / "feature off":
        # a Nivo wallet, a Drop merchant, a Tribble merchant and Drop's card routes switched on.
        http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=auth)
        http.post(
            "/api/merchants/register",
            headers=auth,
            json={"businessName": "Fuzz Shop", "orgNumber": "987654321", "bankAccount": "1503.10.00012"},
        )
        http.post(
            "/api/v1/merchants/register",
            headers=auth,
            json={"businessName": "Fuzz Shop", "entityType": "sole_proprietor", "taxId": "FUZZ-123456"},
        )
        http.cookies.clear()
    if db is not None:
        conn = sqlite3.connect(db, timeout=30)
        conn.execute("UPDATE drop_feature_flags SET enabled = 1")
        conn.commit()
        conn.close()
    return token


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_rest_route_survives_generated_requests(mode: GenerationMode, served: LiveServer) -> None:
    token = _session_token(served.base_url, served.settings.db)
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


def _control_error(response: httpx.Response) -> None:
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_control_api_survives_generated_requests(mode: GenerationMode, served: LiveServer) -> None:
    """The /_sandbox control API on its own server (it may reset, restore and delete freely): no 5xx,
    every 4xx ``{"error", "message"}``."""
    _session_token(served.base_url)
    schema = schemathesis.openapi.from_url(f"{served.base_url}/schema/openapi.json")
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/_sandbox"):
            continue
        tested += 1

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
            response = case.call(base_url=served.base_url, timeout=60)
            label = f"{case.method} {case.formatted_path} -> {response.status_code}"
            assert response.status_code < 500, f"{label}: {response.text[:300]}"
            if response.status_code >= 400:
                try:
                    _control_error(httpx.Response(response.status_code, content=response.content))
                except (AssertionError, ValueError) as exc:
                    raise AssertionError(f"{label}: not the control API's error shape: {response.text[:300]}") from exc

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            continue
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).splitlines()[0][:400]}")
    assert tested > 20, tested
    assert not failures, "\n".join(failures)
