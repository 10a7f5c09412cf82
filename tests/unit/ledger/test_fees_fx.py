"""Fee quotes from the rule table, FX cross rates from one USD table, generic idempotency records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.errors import IdempotencyMismatch, NotFound, ValidationFailed
from app.core.idempotency import lookup_in, remember_in
from app.core.ledger import LedgerService
from app.core.money import EXPONENTS


@pytest.mark.parametrize(
    ("scheme", "kind", "amount", "fee"),
    [
        ("cashier", "deposit", 10_000, 100),
        ("cashier", "withdrawal", 10_000, 200),
        ("cashier", "transfer", 12_345, 247),  # 246.9 -> 247
        ("cashier", "conversion", 250, 2),  # 2.5 -> 2 (half-even)
        ("cashier", "agent_commission", 10_000, 150),
        ("tribble", "fund", 10_000, 50),
        ("drop", "remittance", 10_000, 50),
        ("drop", "qr_payment", 10_000, 100),
        ("nivo", "transfer", 10_000, 0),
        ("twallet", "anything", 10_000, 0),
    ],
)
async def test_default_fee_rules(ledger: LedgerService, scheme: str, kind: str, amount: int, fee: int) -> None:
    quote = await ledger.fees.quote(scheme, kind, "USD", amount)
    assert quote.fee == fee and quote.currency == "USD" and quote.fee_type == "FEE_TYPE_PLATFORM"


async def test_fee_rules_are_editable(ledger: LedgerService) -> None:
    await ledger.fees.set_rule("nivo", "transfer", rate="0.01", flat=500, currency="INR", max_fee=2_000)
    assert (await ledger.fees.quote("nivo", "transfer", "INR", 10_000)).fee == 600
    assert (await ledger.fees.quote("nivo", "transfer", "INR", 1_000_000)).fee == 2_000
    assert (await ledger.fees.quote("nivo", "transfer", "USD", 10_000)).fee == 0
    await ledger.fees.set_rule("cashier", "deposit", rate="0.03", currency="KES")
    assert (await ledger.fees.quote("cashier", "deposit", "KES", 10_000)).fee == 300
    assert (await ledger.fees.quote("cashier", "deposit", "USD", 10_000)).fee == 100
    assert len(await ledger.fees.rules("cashier")) == 6
    await ledger.fees.delete_rule("nivo", "transfer", "INR")
    with pytest.raises(NotFound):
        await ledger.fees.delete_rule("nivo", "transfer", "INR")
    with pytest.raises(ValidationFailed) as info:
        await ledger.fees.set_rule("cashier", "deposit", rate="2")
    assert info.value.code == "invalid_rate"


async def test_fx_rates_are_consistent_and_stored(ledger: LedgerService) -> None:
    rates = await ledger.fx.usd_rates()
    assert set(rates) == set(EXPONENTS) and rates["USD"] == 1
    usd_eur = await ledger.fx.rate("USD", "EUR")
    assert usd_eur.rate == Decimal("0.925") and usd_eur.base == "USD" and usd_eur.quote == "EUR"
    assert await ledger.fx.quote(usd_eur.id) == usd_eur
    eur_gbp = await ledger.fx.rate("eur", "gbp")
    usd_gbp = await ledger.fx.rate("USD", "GBP")
    assert abs(usd_eur.rate * eur_gbp.rate - usd_gbp.rate) < Decimal("1e-10")
    assert eur_gbp.id > usd_eur.id
    assert usd_eur.convert(10_000) == 9_250
    jpy = await ledger.fx.rate("USD", "JPY")
    assert jpy.convert(1_000) == 1_512  # 10.00 USD -> 1512 JPY (no decimals)
    assert (await ledger.fx.rate("KES", "KES")).rate == 1
    await ledger.fx.set_usd_rates({"EUR": "0.9"})
    assert (await ledger.fx.peek("USD", "EUR")) == Decimal("0.9")
    assert "E" not in str((await ledger.fx.rate("EUR", "UGX")).rate)
    for bad in ({"EUR": "0"}, {"USD": "2"}, {"XXX": "1"}, {"EUR": "abc"}):
        with pytest.raises(ValidationFailed):
            await ledger.fx.set_usd_rates(bad)  # type: ignore[arg-type]


async def test_generic_idempotency_records(ledger: LedgerService) -> None:
    request = {"amount": "10.00", "to": "bob"}
    assert await ledger.db.write(lambda c: lookup_in(c, "cashier.transfer:1", "k1", request)) is None
    await ledger.db.write(lambda c: remember_in(c, "cashier.transfer:1", "k1", request, {"id": 7}, now=0.0))
    stored = await ledger.db.write(lambda c: lookup_in(c, "cashier.transfer:1", "k1", dict(request)))
    assert stored == {"id": 7}
    assert await ledger.db.write(lambda c: lookup_in(c, "cashier.transfer:2", "k1", request)) is None
    with pytest.raises(IdempotencyMismatch) as info:
        await ledger.db.write(lambda c: lookup_in(c, "cashier.transfer:1", "k1", {"amount": "11.00", "to": "bob"}))
    assert info.value.details["differs"] == ["amount"]
