"""Tribble's Socket.IO packets against its realtime contract (the request journal's ``matched``)."""

from __future__ import annotations

import pytest

from app.platform_paths import PlatformPaths
from app.platforms import tribble
from app.platforms.tribble.frame_contract import frame_problem
from app.sandbox.journal import WS_IN, JournalEntry
from app.sandbox.journal_view import matched_of


@pytest.mark.parametrize(
    "frame",
    [
        "2",
        "3",
        "5",
        '40{"token":"Bearer abc"}',
        '40/socket.io,{"token":"Bearer abc"}',
        '421["subscribe",{"channels":["user:1","transaction:all"]}]',
        '42/socket.io,7["unsubscribe",{"channels":[]}]',
        "41",
        '431[{"subscribed":[]}]',
        b"\x00binary",
    ],
)
def test_packets_the_contract_documents(frame: str | bytes) -> None:
    assert frame_problem(frame) is None


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("40", "CONNECT without auth.token"),
        ('40{"token":""}', "CONNECT without auth.token"),
        ('42["transfer",{"amount":1}]', "unknown event 'transfer'"),
        ('42["subscribe","user:1"]', 'subscribe takes {"channels": [string, ...]}'),
        ('42["subscribe",{"channels":[1]}]', 'subscribe takes {"channels": [string, ...]}'),
        ("42{nope", "not valid JSON"),
        ('42{"event":"subscribe"}', "an EVENT packet must be [name, payload]"),
        ("hello", "not a Socket.IO packet"),
        ("", "empty frame"),
        ('44{"message":"x"}', "not one a client sends"),
    ],
)
def test_packets_that_do_not_fit(frame: str, reason: str) -> None:
    problem = frame_problem(frame)
    assert problem is not None and reason in problem


def test_the_journal_checks_socketio_frames_by_platform() -> None:
    paths = PlatformPaths([tribble.PLATFORM])
    entry = JournalEntry(WS_IN, "WS", "/socket.io/", b"EIO=4&transport=websocket", [], 0.0, 0.0)
    entry.frame = '42["transfer",{}]'
    matched, reason = matched_of(entry, paths)
    assert matched is False and reason is not None and "unknown event 'transfer'" in reason
    entry.frame = '42["subscribe",{"channels":["transaction:all"]}]'
    assert matched_of(entry, paths) == (True, None)
