"""Reference data (partners, agents, airtime), card tokenisation, the FX feed, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from app.core.errors import NotFound, ValidationFailed
from app.runtime import Sandbox
from app.settings import Settings
from simulators.partners import SERVICES
from tests.support.sandboxes import started_sandbox

TEST_CARDS = (
    "4242424242424242",
    "4000000000000002",
    "4000000000009995",
    "4000002500003155",
    "4000000000000119",
    "5555555555554444",
)


@pytest.fixture
def manual(settings: Settings) -> Settings:
    return settings.replace(scheduler=False)


@pytest.fixture
async def sandbox(manual: Settings) -> AsyncIterator[Sandbox]:
    async with started_sandbox(manual) as box:
        yield box


async def test_partners_are_seeded_with_float_accounts(sandbox: Sandbox) -> None:
    hub = sandbox.simulators
    partners = await hub.partners.list()
    assert {p.service for p in partners} == set(SERVICES)
    assert all(p.id.startswith("PTN-") and p.status == "active" for p in partners)
    for partner in partners:
        assert set(partner.accounts) == set(partner.currencies)
        for currency in partner.currencies:
            account = await sandbox.ledger.get_account(partner.account_id(currency))
            assert account is not None
            assert account.owner_type == "partner" and account.currency == currency and account.allow_negative
            assert account.number.startswith(f"ACC-PARTNER-{currency}-")
    mpesa = await hub.partners.list(service="mpesa", currency="KES")
    assert [p.id for p in mpesa] == ["PTN-001"]
    assert (await hub.partners.select("mpesa", "usd")).id == "PTN-001"
    with pytest.raises(NotFound) as err:
        await hub.partners.select("mpesa", "JPY")
    assert err.value.code == "partner_not_found"
    await hub.partners.set_status("PTN-001", "maintenance")
    assert (await hub.partners.select("mpesa", "USD")).id == "PTN-002"
    with pytest.raises(ValidationFailed):
        (await hub.partners.select("mpesa", "USD")).account_id("EUR")
    assert await hub.partners.get("ptn-003") is not None
    assert await hub.partners.get("PTN-999") is None


async def test_agents_have_float_and_commission_accounts(sandbox: Sandbox) -> None:
    agent = await sandbox.simulators.agents.get("AGT-001")
    assert agent is not None and agent.name == "John's Agent Shop"
    assert agent.commission_rate == Decimal("0.01")
    float_account = await sandbox.ledger.get_account(agent.account_id("USD"))
    assert float_account is not None and float_account.number.startswith("ACC-AGENT-USD-")
    commission = await sandbox.ledger.get_account(agent.commission_account_id("USD"))
    assert commission is not None and commission.purpose == "ACCOUNT_PURPOSE_COMMISSION"
    assert [a.id for a in await sandbox.simulators.agents.list(country="KE")] == ["AGT-001", "AGT-002"]


async def test_seeding_is_idempotent_across_restarts(manual: Settings) -> None:
    counts = []
    for _ in range(2):
        box = Sandbox(manual, manual.db)
        await box.start()
        try:
            await box.simulators.seed_reference_data()
            rows = await box.db.fetchone(
                "SELECT (SELECT COUNT(*) FROM sim_partners), (SELECT COUNT(*) FROM sim_agents), "
                "(SELECT COUNT(*) FROM sim_airtime_providers), (SELECT COUNT(*) FROM sim_owner_accounts), "
                "(SELECT COUNT(*) FROM accounts WHERE owner_type IN ('partner', 'agent'))"
            )
            counts.append(tuple(rows))
            assert (await box.ledger.check()).ok
        finally:
            await box.stop()
    assert counts[0] == counts[1]
    assert counts[0][3] == counts[0][4]


async def test_airtime_providers_and_topup_validation(sandbox: Sandbox) -> None:
    airtime = sandbox.simulators.airtime
    providers = await airtime.providers()
    assert [p.id for p in providers] == ["mtn", "airtel", "glo", "9mobile"]
    mtn = providers[0]
    assert mtn.name == "MTN Nigeria" and mtn.min_amount == 10000 and mtn.max_amount == 5000000
    assert mtn.denominations[0] == 10000 and mtn.simulator == "airtime:mtn"
    assert (await airtime.validate_topup("mtn", "08012345678", 100000)).id == "mtn"
    assert (await airtime.validate_topup("airtel", "+2349012345678", 10000)).id == "airtel"
    for provider, phone, amount, code in (
        ("mtn", "12345", 100000, "invalid_phone"),
        ("mtn", "08012345678", 9999, "invalid_amount"),
        ("mtn", "08012345678", 5000001, "invalid_amount"),
    ):
        with pytest.raises(ValidationFailed) as err:
            await airtime.validate_topup(provider, phone, amount)
        assert err.value.code == code
    with pytest.raises(NotFound):
        await airtime.validate_topup("vodafone", "08012345678", 100000)


async def test_card_tokens_never_store_the_number(manual: Settings) -> None:
    box = Sandbox(manual, manual.db)
    await box.start()
    try:
        hub = box.simulators
        tokens = {}
        for number in TEST_CARDS:
            token = await hub.cards.tokenize(number, 12, box.clock.now().year + 2, "123")
            assert token.last4 == number[-4:] and token.bin == number[:6]
            tokens[number] = token
        amex = await hub.cards.tokenize("3782 8224 6310 005", "07", "39", "1234")
        assert amex.brand == "AMEX" and amex.exp_year == 2039
        assert (await hub.cards.get_token(amex.token)) == amex
        assert tokens["4000000000000002"].behaviour == "declined"
        box.clock.freeze()
        plan = await hub.operations.start(
            "test.card",
            "card-1",
            simulator="card",
            user_id=1,
            amount=5000,
            currency="USD",
            inputs={"card_token": tokens["4000000000000002"].token},
        )
        assert plan.outcome == "failure" and plan.error_message == "Your card was declined."
        plan = await hub.operations.start(
            "test.card",
            "card-2",
            simulator="card",
            user_id=1,
            amount=5000,
            currency="USD",
            inputs={"card_token": tokens["4000002500003155"].token},
        )
        assert plan.outcome == "manual" and plan.rule == "card_requires_3ds"
        plan = await hub.operations.start(
            "test.card",
            "card-3",
            simulator="card",
            user_id=1,
            amount=5000,
            currency="USD",
            inputs={"card_number": "4000000000009995", "cvv": "987"},
        )
        assert plan.error_message == "Your card has insufficient funds."
        for bad, code in (
            (("4242424242424241", 12, 2040, "123"), "invalid_card_number"),
            (("4242424242424242", 13, 2040, "123"), "invalid_expiry_month"),
            (("4242424242424242", 1, 2001, "123"), "expired_card"),
            (("4242424242424242", 12, 2040, "12"), "invalid_cvc"),
            (("378282246310005", 12, 2040, "123"), "invalid_cvc"),
            (("abcd", 12, 2040, "123"), "invalid_card_number"),
        ):
            with pytest.raises(ValidationFailed) as err:
                await hub.cards.tokenize(*bad)
            assert err.value.code == code
    finally:
        await box.stop()
    raw = manual.db.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = manual.db.with_name(manual.db.name + suffix)
        if extra.exists():
            raw += extra.read_bytes()
    assert b"tok_" in raw  # the tokens are there...
    for number in (*TEST_CARDS, "378282246310005", "4000000000009995"):
        assert number.encode() not in raw, number  # ...the numbers are not


async def test_fx_feed_is_fixed_by_default_and_drifts_on_the_clock(sandbox: Sandbox) -> None:
    hub = sandbox.simulators
    sandbox.clock.freeze()
    before = await hub.fx.rates()
    assert before, "the ledger seeds USD rates"
    sandbox.clock.advance(3600)
    await sandbox.scheduler.run_due()
    assert await hub.fx.rates() == before
    hub.reseed(7)
    config = await hub.fx.configure(drift=0.01, interval_seconds=60)
    assert config == {"drift": 0.01, "interval_seconds": 60.0}
    sandbox.clock.advance(59)
    await sandbox.scheduler.run_due()
    assert await hub.fx.rates() == before
    sandbox.clock.advance(1)
    await sandbox.scheduler.run_due()
    after = await hub.fx.rates()
    assert after != before
    for currency, rate in after.items():
        assert abs(rate / before[currency] - 1) <= Decimal("0.0101")
    eur_gbp = await sandbox.ledger.fx.peek("EUR", "GBP")
    assert abs(eur_gbp - after["GBP"] / after["EUR"]) < Decimal("1e-9")
    await hub.fx.configure(drift=0)
    sandbox.clock.advance(600)
    await sandbox.scheduler.run_due()
    assert await hub.fx.rates() == after
    with pytest.raises(ValidationFailed):
        await hub.fx.configure(drift=5)
