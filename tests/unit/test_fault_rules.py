"""Fault rules without a server: path patterns, the one-off header's grammar, checks, matching order."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from app.sandbox.faults import FaultBook, FaultRule, parse_one_off, path_pattern


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("/api/v1/transactions/{id}", "/api/v1/transactions/tx_1", True),
        ("/api/v1/transactions/{id}", "/api/v1/transactions/tx_1/", True),
        ("/api/v1/transactions/{id}", "/api/v1/transactions/tx_1/refunds", False),
        ("/api/v1/transactions/{id}", "/api/v1/transactions/", False),
        ("/api/v1/*", "/api/v1/wallets/abc", True),
        ("/api/v1/*", "/api/v2/wallets", False),
        ("/profile/?", "/profile/x", True),
        ("*", "/anything/at/all", True),
        ("/api/health", "/api/healthz", False),
    ],
)
def test_path_patterns(pattern: str, path: str, hit: bool) -> None:
    assert bool(path_pattern(pattern).match(path)) is hit


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("status=503", {"action": "status", "status": 503}),
        ("delay=2000", {"action": "delay", "ms": 2000, "max_ms": None}),
        ("delay=100-300", {"action": "delay", "ms": 100, "max_ms": 300}),
        ("drop", {"action": "drop", "when": "before"}),
        ("drop=after", {"action": "drop", "when": "after"}),
        ("timeout=3000", {"action": "timeout", "ms": 3000}),
        ("drop, close=4000", {"action": "drop", "close_code": 4000}),
        ("close=4001", {"action": "drop", "close_code": 4001}),
    ],
)
def test_one_off_grammar(header: str, expected: dict[str, object]) -> None:
    rule = parse_one_off(header)
    assert rule.id == "header"
    assert {key: getattr(rule, key) for key in expected} == expected


@pytest.mark.parametrize("header", ["", "explode", "status=ok", "status=302", "delay=5-1", "drop=later", "timeout"])
def test_one_off_refusals(header: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_one_off(header)
    assert refused.value.code == "invalid_fault_rule"


def test_explain_names_the_rule() -> None:
    assert (
        FaultRule(id="r1", action="delay", ms=5, max_ms=9).explain() == "injected fault: delay 5-9 ms (fault rule r1)"
    )
    assert (
        FaultRule(id="r2", action="drop", when="after").explain()
        == "injected fault: drop after the handler (fault rule r2)"
    )
    assert parse_one_off("timeout=7").explain() == "injected fault: timeout after 7 ms (X-Sandbox-Fault header)"


class _NoDatabase:
    def write(self, fn: object) -> object:
        raise AssertionError("an unlimited rule saves nothing on the request path")


class _Box:
    db = _NoDatabase()


def test_first_matching_rule_wins_and_filters_apply() -> None:
    book = FaultBook(_Box())  # type: ignore[arg-type]
    book.rules = [
        FaultRule(id="ws", action="drop", path="*", ws_type="transfer"),
        FaultRule(id="post", action="status", path="/api/*", method="POST"),
        FaultRule(id="tribble", action="delay", path="/api/*", platform="tribble"),
        FaultRule(id="alice", action="status", path="/profile/*", user="7"),
    ]

    def pick(method: str, path: str, ws_type: str | None = None, user: str | None = None) -> str | None:
        rule = book.pick(
            method=method,
            path=path,
            platform_of=lambda p: "tribble" if p.startswith("/api/v1") else "drop",
            user_of=lambda: user,
            ws_type=ws_type,
        )
        return rule.id if rule is not None else None

    assert pick("POST", "/api/v1/x") == "post"
    assert pick("GET", "/api/v1/x") == "tribble"
    assert pick("GET", "/api/auth/me") is None
    assert pick("WS", "/cashier/svc/ws", ws_type="transfer") == "ws"
    assert pick("WS", "/cashier/svc/ws", ws_type="ping") is None
    assert pick("GET", "/profile/", user="7|uuid-7") == "alice"
    assert pick("GET", "/profile/", user="8|uuid-8") is None
    assert pick("GET", "/profile/") is None
    assert [r.fired for r in book.rules] == [1, 1, 1, 1]
