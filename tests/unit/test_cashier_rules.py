"""Cashier's frame contract without a socket: which client frames fit its documented messages, and
the reason (in the socket's own words) when one does not."""

from __future__ import annotations

import pytest

from app.platforms.cashier.dispatch import OPERATIONS
from app.platforms.cashier.errors import INVALID_FORMAT
from app.platforms.cashier.frame_contract import frame_problem


def test_ping_and_documented_messages_fit() -> None:
    assert frame_problem('{"type": "ping"}') is None
    frame = b'{"type": "get_account_balance", "request_id": "r1", "data": {"account_number": "ACC-1"}}'
    assert frame_problem(frame) is None
    assert "get_account_balance" in OPERATIONS


NOT_A_MESSAGE = ["not json", "[1, 2]", '{"type": 7}', '{"data": {}}', '{"type": "transfer", "data": 5}']


@pytest.mark.parametrize("frame", NOT_A_MESSAGE)
def test_frames_that_are_not_a_message_are_an_invalid_format(frame: str) -> None:
    assert frame_problem(frame) == INVALID_FORMAT


def test_an_unknown_type_is_named() -> None:
    assert frame_problem('{"type": "withdraw_everything"}') == "unknown message type: withdraw_everything"


def test_a_missing_field_is_named_as_the_socket_names_it() -> None:
    assert frame_problem('{"type": "get_account_balance"}') == "account_number is required"


def test_data_that_does_not_fit_the_message_gives_the_validators_reason() -> None:
    problem = frame_problem('{"type": "transfer", "data": {"amount": {"nested": true}}}')
    assert problem is not None and problem != INVALID_FORMAT


def test_non_text_frames_are_not_judged() -> None:
    assert frame_problem(None) is None
