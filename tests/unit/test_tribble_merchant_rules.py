"""Tribble's merchant, subscription and dispute rules without HTTP (the domain functions the routes call)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.platforms.tribble.disputes import refund_value
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.merchants import check_registration
from app.platforms.tribble.schemas.disputes import ResolutionIn
from app.platforms.tribble.schemas.merchants import MerchantRegisterIn
from app.platforms.tribble.schemas.subscriptions import PlanIn
from app.platforms.tribble.settlements import next_settlement
from app.platforms.tribble.subscriptions import plan_terms, start_of

NOON = datetime(2026, 3, 11, 12, tzinfo=UTC).timestamp()  # a Wednesday


def field_of(exc: pytest.ExceptionInfo[TribbleError]) -> str:
    return str(exc.value.details["field"])


def test_registration_trims_the_name_and_names_the_bad_field() -> None:
    good = MerchantRegisterIn(business_name="  Ada Stores ", entity_type="limited_company", tax_id="RC-123456")
    assert check_registration(good) == "Ada Stores"
    with pytest.raises(TribbleError) as exc:
        check_registration(MerchantRegisterIn(business_name="Ada", entity_type="empire", tax_id="RC-123456"))
    assert field_of(exc) == "entityType"
    with pytest.raises(TribbleError) as exc:
        check_registration(MerchantRegisterIn(business_name="Ada", entity_type="individual", tax_id="12"))
    assert field_of(exc) == "taxId"


def test_settlements_fall_due_at_midnight_utc() -> None:
    assert next_settlement(NOON, "daily") == datetime(2026, 3, 12, tzinfo=UTC).timestamp()
    assert next_settlement(NOON, "weekly") == datetime(2026, 3, 16, tzinfo=UTC).timestamp()  # next Monday
    assert next_settlement(NOON, "monthly") == datetime(2026, 4, 1, tzinfo=UTC).timestamp()


def test_plan_terms_in_minor_units() -> None:
    plan = PlanIn(plan_name=" Gold ", amount=1500, currency="NGN", billing_frequency="monthly", setup_fee=250)
    assert plan_terms(plan) == ("Gold", "NGN", 150000, 25000, 0)
    with pytest.raises(TribbleError) as exc:
        plan_terms(PlanIn(plan_name="Gold", amount=1, currency="NGN", billing_frequency="hourly"))
    assert field_of(exc) == "billingFrequency"


def test_a_subscription_starts_now_or_on_a_later_day() -> None:
    assert start_of(None, NOON) == NOON
    assert start_of("2026-03-11", NOON) == NOON
    assert start_of("2026-03-20", NOON) == datetime(2026, 3, 20, tzinfo=UTC).timestamp()
    with pytest.raises(TribbleError) as exc:
        start_of("2026-03-10", NOON)
    assert field_of(exc) == "startDate"


def test_a_chargeback_is_at_most_the_disputed_amount() -> None:
    dispute = {"amount": 50000, "currency": "NGN"}
    assert refund_value(dispute, ResolutionIn(resolution="APPROVED")) == 50000
    assert refund_value(dispute, ResolutionIn(resolution="APPROVED", refund_amount=200)) == 20000
    with pytest.raises(TribbleError) as exc:
        refund_value(dispute, ResolutionIn(resolution="APPROVED", refund_amount=501))
    assert field_of(exc) == "refundAmount"
