"""The served OpenAPI document: errors in each platform's envelope, one operationId each, clean component names.

The finishing of ``app/openapi_finish.py`` (catalogues in ``app/platforms/<name>/errors.py`` and
``app/sandbox/openapi.py``) is checked on the document ``/schema/openapi.json`` serves.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import load_platforms
from app.openapi_errors import SCHEMA_REF
from app.openapi_finish import SchemaFinisher
from tests.reliability.envelopes import platform_of

ENVELOPES = {"tribble": "TribbleError", "nivo": "NivoError", "drop": "DropError", "twallet": "TWalletError"}
METHODS = ("get", "put", "post", "delete", "patch")
LITESTAR_ERROR = {"status_code", "detail", "extra"}


@pytest.fixture
async def document(client: AsyncTestClient) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"][len(SCHEMA_REF) :]]
    return schema


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


async def test_no_operation_declares_litestars_default_error_body(document: dict[str, Any]) -> None:
    offenders = []
    for path, method, operation in _operations(document):
        for status, response in operation.get("responses", {}).items():
            for media in response.get("content", {}).values():
                schema = _resolve(document, media.get("schema", {}))
                if LITESTAR_ERROR <= set(schema.get("properties", {})):
                    offenders.append(f"{method.upper()} {path} {status}")
    assert not offenders, offenders


async def test_every_error_is_in_the_envelope_of_the_platform_owning_the_path(document: dict[str, Any]) -> None:
    wrong = []
    for path, method, operation in _operations(document):
        envelope = ENVELOPES.get(platform_of(path) or "", "SandboxError")
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response.get("content", {})
            refs = {media["schema"].get("$ref") for media in content.values() if media.get("schema")}
            plain_auth = envelope == "TWalletError" and set(content) == {"text/plain"}
            if refs - {None} != {SCHEMA_REF + envelope} and not plain_auth:
                wrong.append(f"{method.upper()} {path} {status}: {sorted(map(str, refs))}")
    assert not wrong, wrong


async def test_statuses_follow_the_facts_of_each_operation(document: dict[str, Any]) -> None:
    """Spot checks of the rules: auth -> 401, a body -> 400, a path parameter -> 404, Tribble -> 429."""
    paths = document["paths"]
    tribble_pay = paths["/api/v1/transactions"]["post"]["responses"]
    assert {"400", "401", "402", "403", "404", "409", "422", "429"} <= set(tribble_pay)
    assert set(paths["/api/v1/bills/airtime/providers"]["get"]["responses"]) == {"200", "429"}
    assert "401" not in paths["/api/v1/receipts/{receiptFile}"]["get"]["responses"]
    assert "404" in paths["/api/v1/wallets/{walletId}"]["get"]["responses"]
    assert "410" not in paths["/api/v1/wallet/wallets"]["get"]["responses"]  # Nivo's list never verifies
    assert {"401", "403", "498"} <= set(paths["/profile"]["get"]["responses"])
    assert "400" not in paths["/profile"]["get"]["responses"]  # no input to refuse
    assert set(paths["/api/rates"]["get"]["responses"]) == {"200", "429"}  # public, rate-limited
    assert "401" in paths["/_sandbox/clock"]["get"]["responses"]  # the control-token guard
    assert set(paths["/api/health"]["get"]["responses"]) == {"200"}


async def test_every_operation_has_a_unique_operation_id_of_its_platform(document: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in _operations(document)]
    assert all(isinstance(i, str) and re.fullmatch(r"[a-z]+[A-Z][A-Za-z0-9]*", i) for i in ids), ids
    assert not [i for i, n in Counter(ids).items() if n > 1]
    for path, _, operation in _operations(document):
        prefix = platform_of(path) or "sandbox"
        assert operation["operationId"].startswith(prefix), (path, operation["operationId"])


async def test_component_names_are_clean_and_every_reference_resolves(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])
    unclean = [n for n in names if "." in n or "app_" in n or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", n)]
    assert not unclean, unclean
    dangling = {ref for ref in _refs(document) if ref[len(SCHEMA_REF) :] not in names}
    assert not dangling, dangling


async def test_every_success_response_has_a_schema(document: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = response.get("content", {})
            if status == "204":
                assert not content, (method, path)
            elif not content or any(not media.get("schema") for media in content.values()):
                missing.append(f"{method.upper()} {path} {status}")
            else:
                for media in content.values():
                    schema = _resolve(document, media["schema"])
                    if schema.get("type") == "object" and not schema.get("properties") and "$ref" not in media:
                        missing.append(f"{method.upper()} {path} {status}: an open object")
    assert not missing, missing
    receipt = document["paths"]["/api/v1/receipts/{receiptFile}"]["get"]["responses"]["200"]["content"]
    assert receipt["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


async def test_every_operation_a_catalogue_names_exists(document: dict[str, Any]) -> None:
    ids = {operation["operationId"] for _, _, operation in _operations(document)}
    for catalogue in SchemaFinisher.for_platforms(load_platforms()).catalogues:
        assert catalogue.known_operations <= ids, (catalogue.platform, sorted(catalogue.known_operations - ids))
