"""Which workspace a request names, read from the raw ASGI scope (app/registry.py)."""

from __future__ import annotations

import pytest

from app.registry import DEFAULT_WORKSPACE, SandboxRegistry


def scope(headers: list[tuple[bytes, bytes]] | None = None, query: bytes = b"") -> dict[str, object]:
    return {"type": "http", "headers": headers or [], "query_string": query}


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ([], b"", DEFAULT_WORKSPACE),
        ([(b"x-sandbox-workspace", b"  QA-Team ")], b"", "qa-team"),
        ([(b"x-sandbox-workspace", b"qa")], b"workspace=other", "qa"),  # the header wins
        ([(b"accept", b"*/*")], b"limit=5&workspace=Demo%2D1", "demo-1"),
        ([], b"workspace=first&workspace=second", "first"),
        ([], b"xworkspace=nope&myworkspace=1", DEFAULT_WORKSPACE),
        ([], b"workspace=", DEFAULT_WORKSPACE),
        ([(b"x-sandbox-workspace", b"")], b"workspace=q", "q"),
    ],
)
def test_workspace_name(headers: list[tuple[bytes, bytes]], query: bytes, expected: str) -> None:
    assert SandboxRegistry.workspace_name(scope(headers, query)) == expected  # type: ignore[arg-type]
