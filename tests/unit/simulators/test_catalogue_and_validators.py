"""Pure simulator logic: the magic catalogue, Luhn and brands, UPI ids, behaviour validation."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from simulators import cards, magic, upi
from simulators.settings import DEFAULTS, FAMILIES, clean_overrides, validate_name


def test_catalogue_rules_are_complete_and_unique() -> None:
    names = [r.name for r in magic.CATALOGUE]
    assert len(names) == len(set(names))
    seen: set[tuple[str, str]] = set()
    for rule in magic.CATALOGUE:
        assert rule.outcome in magic.OUTCOMES
        assert rule.explain and rule.values
        if rule.outcome == "failure":
            assert rule.error_message, rule.name
        for family in rule.applies_to:
            assert family in FAMILIES
        for value in rule.values:
            assert (rule.field, value) not in seen
            seen.add((rule.field, value))


def test_required_magic_values_are_in_the_catalogue() -> None:
    def rule_for(simulator: str, **inputs: object) -> magic.MagicRule | None:
        return magic.evaluate(simulator, inputs)

    timeout = rule_for("partner:PTN-001", amount=5013, currency="USD")
    assert timeout is not None and timeout.error_message == "Payment timeout"
    invalid = rule_for("partner:PTN-001", destination="+254 700 000 000")
    assert invalid is not None and invalid.error_message == "Destination account invalid"
    expectations = {
        "4242424242424242": ("success", None),
        "4000000000000002": ("failure", "Your card was declined."),
        "4000000000009995": ("failure", "Your card has insufficient funds."),
        "4000002500003155": ("manual", None),
        "4000000000000119": ("failure", "An error occurred while processing your card. Try again in a little bit."),
    }
    for number, (outcome, message) in expectations.items():
        rule = rule_for("card", card_number=number)
        assert rule is not None and (rule.outcome, rule.error_message) == (outcome, message), number
    assert rule_for("upi", upi_id="FAIL@upi").name == "upi_fail"  # type: ignore[union-attr]
    assert rule_for("upi", upi_id="timeout@upi").name == "upi_timeout"  # type: ignore[union-attr]
    assert rule_for("airtime:mtn", phone="08000000000").outcome == "failure"  # type: ignore[union-attr]
    assert rule_for("transfer", username="blocked_user").outcome == "failure"  # type: ignore[union-attr]
    assert rule_for("partner:PTN-001", amount=5000, currency="USD", destination="+254712345678") is None


def test_markdown_table_lists_every_value() -> None:
    table = magic.markdown_table()
    for rule in magic.CATALOGUE:
        assert rule.explain.replace("|", "\\|") in table
        for value in rule.values:
            assert f"`{value}`" in table
    assert len(magic.catalogue_dicts()) == len(magic.CATALOGUE)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "VISA"),
        ("4532015112830366", "VISA"),
        ("5555555555554444", "MASTERCARD"),
        ("2223003122003222", "MASTERCARD"),
        ("378282246310005", "AMEX"),
        ("6011111111111117", "DISCOVER"),
        ("3566002020360505", "JCB"),
        (cards.luhn_complete("506099000000000"), "VERVE"),
        (cards.luhn_complete("650002000000000"), "VERVE"),
        (cards.luhn_complete("507865000000000000"), "VERVE"),
    ],
)
def test_brand_detection_and_luhn(number: str, brand: str) -> None:
    info = cards.inspect(number)
    assert info.luhn_ok and info.brand == brand and info.valid
    assert info.last4 == number[-4:] and info.bin == number[:6]


def test_luhn_rejects_a_changed_digit() -> None:
    assert cards.luhn_ok("4242424242424242")
    assert not cards.luhn_ok("4242424242424241")
    assert not cards.luhn_ok("42424242")
    assert cards.inspect("4242 4242 4242 4242").behaviour == "success"
    assert cards.inspect("4000000000000002").behaviour == "declined"
    assert cards.inspect("4111111111111111").behaviour == "default"


@pytest.mark.parametrize("vpa", ["user@paytm", "john.doe-1@okhdfcbank", "fail@upi", "A.B@YBL"])
def test_upi_ids_accepted(vpa: str) -> None:
    upi.UpiPsp().validate(vpa)


@pytest.mark.parametrize("vpa", ["", "user", "user@", "@paytm", "user@unknownbank", "us er@paytm", None, 42])
def test_upi_ids_rejected(vpa: object) -> None:
    with pytest.raises(ValidationFailed) as err:
        upi.UpiPsp().validate(vpa)
    assert err.value.code == "invalid_upi_id"


def test_behaviour_validation() -> None:
    assert clean_overrides({"delay_seconds": 5, "outcome": "manual"}) == {"delay_seconds": 5.0, "outcome": "manual"}
    for bad in (
        {"delay_seconds": True},
        {"delay_seconds": float("nan")},
        {"failure_rate": -0.1},
        {"outcome": "sometimes"},
        {"error_message": ""},
        {"unknown": 1},
    ):
        with pytest.raises(ValidationFailed):
            clean_overrides(bad)
    assert validate_name("partner:PTN-001") == "partner:PTN-001"
    for bad_name in ("nope", "partner:", "ftp:x"):
        with pytest.raises(ValidationFailed):
            validate_name(bad_name)
    assert DEFAULTS["partner"].describe() == "succeeds after 2 s"
    assert DEFAULTS["upi"].describe() == "succeeds after 3-10 s"


def test_docs_table_is_generated_from_the_catalogue() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "simulators.md").read_text(encoding="utf-8")
    start = text.index("<!-- magic-table:start -->\n") + len("<!-- magic-table:start -->\n")
    end = text.index("<!-- magic-table:end -->")
    assert text[start:end] == magic.markdown_table(), "regenerate with simulators.magic.markdown_table()"
