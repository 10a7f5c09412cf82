"""Drop's domain rules without HTTP: payout schedule, dashboard periods, settings whitelists,
complaint bodies, card numbers, and the journal of each settlement outcome of a remittance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.card_numbers import luhn_check_digit
from app.platforms.drop import cards, gdpr, merchants, settlement, user_settings
from app.platforms.drop.errors import DropError


def test_payouts_run_at_six_on_business_days() -> None:
    friday_noon = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert merchants.next_payout(friday_noon) == datetime(2026, 12, 7, 6, tzinfo=UTC)  # Monday
    monday_early = datetime(2026, 12, 7, 5, tzinfo=UTC)
    assert merchants.next_payout(monday_early) == datetime(2026, 12, 7, 6, tzinfo=UTC)


def test_dashboard_periods_start_at_midnight_monday_and_the_first() -> None:
    thursday = datetime(2026, 12, 10, 15, 30, tzinfo=UTC)
    assert merchants.period_start(thursday, "today") == datetime(2026, 12, 10, tzinfo=UTC)
    assert merchants.period_start(thursday, "week") == datetime(2026, 12, 7, tzinfo=UTC)
    assert merchants.period_start(thursday, "month") == datetime(2026, 12, 1, tzinfo=UTC)


def test_settings_changes_are_columns_and_every_bad_field_is_listed() -> None:
    assert user_settings.changes_of({"currency": "EUR", "pushEnabled": False}) == {
        "currency": "EUR",
        "push_enabled": 0,
    }
    with pytest.raises(DropError) as caught:
        user_settings.changes_of({"currency": "XXX", "language": 3, "emailEnabled": "yes"})
    assert caught.value.status == 422
    assert [d["field"] for d in caught.value.details] == ["currency", "language", "emailEnabled"]


def test_a_complaint_needs_a_known_category_and_bounded_texts() -> None:
    category, texts = gdpr.complaint_of({"category": "fees", "subject": " Too high ", "description": "Why?"})
    assert (category, texts) == ("fees", {"subject": "Too high", "description": "Why?"})
    with pytest.raises(DropError, match="Invalid category"):
        gdpr.complaint_of({"category": "weather", "subject": "a", "description": "b"})
    with pytest.raises(DropError, match="subject must be at most 200 characters"):
        gdpr.complaint_of({"category": "fees", "subject": "x" * 201, "description": "b"})


def test_issued_numbers_are_luhn_valid_on_drops_bin() -> None:
    number = cards.luhn_number(cards.BIN)
    assert len(number) == 16 and number.startswith(cards.BIN)
    assert luhn_check_digit(number[:-1]) == number[-1]


ACCOUNTS = settlement._Accounts(bank=1, suspense=2, fees=3, fx_nok=4, fx_out=5, payout=6)
ROW: dict[str, Any] = {"id": "tx_rem_1", "recipient_name": "Ana", "amount": 1000, "fee": 5, "receive_amount": 9000}


@pytest.mark.parametrize(
    ("status", "journal_type", "new_status", "moves"),
    [
        ("completed", "TRANSACTION_TYPE_CONVERSION", "completed", [(2, 4, 1000), (5, 6, 9000)]),
        ("failed", "TRANSACTION_TYPE_REFUND", "failed", [(2, 1, 1000), (3, 1, 5)]),
        ("reversed", "TRANSACTION_TYPE_REVERSAL", "failed", [(6, 5, 9000), (4, 1, 1000), (3, 1, 5)]),
    ],
)
def test_each_outcome_posts_its_journal(
    status: str, journal_type: str, new_status: str, moves: list[tuple[int, int, int]]
) -> None:
    outcome = settlement._outcome(ROW, status, None, ACCOUNTS)
    assert outcome is not None
    assert (outcome.journal_type, outcome.status) == (journal_type, new_status)
    assert [(leg.debit, leg.credit, leg.amount) for leg in outcome.legs] == moves


def test_an_unknown_outcome_posts_nothing() -> None:
    assert settlement._outcome(ROW, "pending", None, ACCOUNTS) is None
