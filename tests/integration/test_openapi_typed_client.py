"""A typed client generated from the served document types every response: openapi-typescript, as README shows.

``openapi-typescript`` (tests/js, pinned) writes ``api.d.ts`` from ``/schema/openapi.json`` of a live
server; ``tests/js/openapi_types.mjs`` reads back each operation's response body types. Every 2xx
body must have a real type (not ``unknown``, not an open map of ``unknown``; a 204 has none), and every
error body must be the envelope of the platform owning the path (T-Wallet's authentication answers are
plain text, as its guide shows them). Skipped when node or tests/js/node_modules is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.reliability.envelopes import platform_of
from tests.support.server import LiveServer

JS = Path(__file__).resolve().parents[1] / "js"
CLI = JS / "node_modules" / ".bin" / "openapi-typescript"
ENVELOPES = {
    "tribble": "TribbleError",
    "nivo": "NivoError",
    "drop": "DropError",
    "twallet": "TWalletError",
    None: "SandboxError",  # the control API, /api/health and unknown paths
}
UNTYPED = {"unknown", "never", "{ [key: string]: unknown; }", "Record<string, never>"}  # whitespace collapsed

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not CLI.exists() or not (JS / "node_modules" / "typescript").exists(),
    reason="needs node and tests/js/node_modules (npm ci in tests/js)",
)


def _flat(type_text: str) -> str:
    return " ".join(type_text.split())


def _component(name: str) -> str:
    return f'components["schemas"]["{name}"]'


def test_generated_client_types_every_success_body_and_each_platforms_errors(live: LiveServer, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None
    out = tmp_path / "api.d.ts"
    url = f"{live.base_url}/schema/openapi.json"
    generated = subprocess.run(
        [node, str(CLI), url, "-o", str(out)], cwd=JS, capture_output=True, text=True, timeout=120
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    read = subprocess.run(
        [node, str(JS / "openapi_types.mjs"), str(out)], cwd=JS, capture_output=True, text=True, timeout=60
    )
    assert read.returncode == 0, read.stderr
    types: dict[str, dict[str, dict[str, str]]] = json.loads(read.stdout)

    paths = httpx.get(url, timeout=30).json()["paths"]
    owner = {
        operation["operationId"]: path
        for path, item in paths.items()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert set(types) == set(owner), set(types) ^ set(owner)
    problems: list[str] = []
    for operation_id, responses in types.items():
        envelope = _component(ENVELOPES[platform_of(owner[operation_id])])
        assert any(status.startswith("2") for status in responses), operation_id
        for status, media in responses.items():
            if status.startswith("2"):
                if status != "204" and not media:
                    problems.append(f"{operation_id} {status}: no body type")
                problems += [f"{operation_id} {status} {m}: {t}" for m, t in media.items() if _flat(t) in UNTYPED]
            elif status[:1] in ("4", "5"):
                for media_type, text in media.items():
                    plain = (
                        media_type == "text/plain"
                        and _flat(text) == "string"
                        and envelope == _component("TWalletError")
                    )
                    if _flat(text) != envelope and not plain:
                        problems.append(f"{operation_id} {status} {media_type}: {text}, not {envelope}")
    assert not problems, "\n".join(problems)
