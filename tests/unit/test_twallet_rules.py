"""T-Wallet's words for a refused send amount, without HTTP: each of the core's refusals of
``parse_amount`` becomes the sentence T-Wallet's guide uses."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from app.core.money import parse_amount
from app.platforms.twallet.sends import _amount_message


def refusal(value: object, currency: str = "USD") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(value, currency)
    return caught.value


def test_too_many_decimals_names_the_currency() -> None:
    assert _amount_message(refusal("1.001"), "USD") == "amount has more decimals than USD allows"


@pytest.mark.parametrize("value", ["0", "-5"])
def test_zero_and_negative_amounts(value: str) -> None:
    assert _amount_message(refusal(value), "USD") == "amount must be greater than 0"


@pytest.mark.parametrize("value", ["abc", None, True, "NaN"])
def test_anything_else_is_not_a_decimal_number(value: object) -> None:
    assert _amount_message(refusal(value), "USD") == "amount must be a decimal number"


def test_a_huge_amount_is_too_large() -> None:
    message = _amount_message(refusal("1" + "0" * 30), "USD")
    assert "large" in message or "exceed" in message or "maximum" in message, message
