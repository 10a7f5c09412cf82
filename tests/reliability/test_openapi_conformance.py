"""Schemathesis holds every operation of the served document to what the server really answers.

``test_openapi_fuzz.py`` asks "no 5xx, and errors in the platform's envelope"; this asks the document to
be right. For every operation of every platform and of the control API, generated requests (positive
and negative data, a few examples each; ``PAYSANDBOX_FUZZ_EXAMPLES`` raises the number) go to a live
server, and each answer must have a status documented for the operation (``status_code_conformance``),
a documented media type (``content_type_conformance``) and a body valid against the documented schema
(``response_schema_conformance``): 2xx bodies and error envelopes alike.

The order keeps the session usable: ordinary operations first, then those that end the user's session
(logout, refresh, password change, account deletion), then the control API (it resets the sandbox,
restores snapshots and moves the clock), its fault rules last (a generated rule answers what it
matches with any status). The sandbox clock is frozen for the run. Positive cases name
the user's real resources in the path (``known_path_values``), so success bodies are checked too,
not only the 404 of a random id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import httpx
import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.settings import Settings
from tests.reliability.envelopes import platform_of
from tests.reliability.fuzz_user import fuzz_user_token
from tests.support.server import live_server

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("PAYSANDBOX_FUZZ_EXAMPLES", "2"))
CONTROL_TOKEN = "conformance-control-token"
CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FAULT_RULES = "/_sandbox/faults"
SESSION_ENDING = re.compile(r"/auth/logout$|/auth/refresh|/user/account$|/change-password$|/password/change$")


def _stage(path: str) -> int:
    """0: a platform's ordinary operation, 1: one that ends the session, 2: the control API (and health),
    3: fault rules (a generated rule may answer later requests with any status)."""
    if path.startswith(FAULT_RULES):
        return 3
    if platform_of(path) is None:
        return 2
    return 1 if SESSION_ENDING.search(path) else 0


def known_path_values(base_url: str, token: str) -> dict[str, str]:
    """Path parameter name -> a value naming the fuzz user's own resource (or a known name)."""
    user = {"Authorization": f"Bearer {token}", "X-Authorization": token}
    with httpx.Client(base_url=base_url, headers=user, timeout=30) as http:
        merchant = http.post(
            "/api/v1/merchants/register",
            json={"businessName": "Conformance Shop", "entityType": "sole_proprietor", "taxId": "CONF-123456"},
        )
        assert merchant.status_code == 201, merchant.text
        profile = http.get("/profile/").json()
        return {
            "walletId": http.get("/api/v1/wallets").json()["wallets"][0]["walletId"],
            "wallet_id": http.get("/api/v1/wallet/wallets").json()["data"][0]["id"],
            "merchantId": merchant.json()["merchantId"],
            "customerId": http.get("/api/v1/users/profile").json()["userId"],
            "account_number": profile["account_id"],
            "user_ref": profile["email"],
            "name": "partner",  # a simulator (a missing snapshot or workspace elsewhere: 404)
            "platform": "tribble",
            "currency": "PLN",
        }


def _summary(exc: BaseException) -> str:
    """The first lines of a failure (Schemathesis': which check, what was received, what is documented)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " | ".join(lines[:8])[:900]


def test_every_operation_answers_as_its_document_says(settings: Settings) -> None:
    with live_server(settings.replace(control_token=CONTROL_TOKEN)) as server:
        base_url = server.base_url
        token = fuzz_user_token(base_url, server.settings.db)
        known = known_path_values(base_url, token)

        def with_known_ids(case: schemathesis.Case) -> schemathesis.Case:
            names = set(case.path_parameters or {}) & set(known)
            if names:
                case.path_parameters = {**(case.path_parameters or {}), **{n: known[n] for n in names}}
            return case

        control = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
        user = {"Authorization": f"Bearer {token}", "X-Authorization": token}
        frozen = httpx.post(f"{base_url}/_sandbox/clock/freeze", headers=control, timeout=30)
        assert frozen.status_code == 200, frozen.text
        schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
        operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: _stage(op.path))
        failures: list[str] = []
        for operation in operations:
            headers = control if _stage(operation.path) >= 2 else user
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                if mode is GenerationMode.POSITIVE:
                    strategy = strategy.map(with_known_ids)

                @hypothesis.settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate],
                )
                @hypothesis.given(case=strategy)
                def run(case: schemathesis.Case) -> None:
                    case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)  # noqa: B023

                try:
                    run()
                except hypothesis.errors.Unsatisfiable:
                    continue  # nothing to negate in this operation
                except (Exception, BaseExceptionGroup) as exc:  # each operation's first failure, all reported
                    failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {_summary(exc)}")
        assert len(operations) > 150, len(operations)
        assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
