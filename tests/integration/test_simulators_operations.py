"""Pending operations on the sandbox clock: order, exactly once, restart, settings, magic values, ledger.

These tests drive the scheduler by hand (``scheduler=False``: no background loop), so what fires
when is decided by the sandbox clock alone.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator

import pytest

from app.core.errors import Conflict, IdempotencyMismatch, NotFound, ValidationFailed
from app.core.ledger import Leg
from app.runtime import Sandbox
from app.settings import Settings
from simulators.magic import CATALOGUE, MagicRule, family_of
from simulators.operations import Operation, Outcome
from tests.support.sandboxes import started_sandbox

KIND = "test.deposit"


@pytest.fixture
def manual(settings: Settings) -> Settings:
    return settings.replace(scheduler=False)


@pytest.fixture
async def sandbox(manual: Settings) -> AsyncIterator[Sandbox]:
    async with started_sandbox(manual) as box:
        yield box


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    async def __call__(self, op: Operation, outcome: Outcome) -> None:
        self.calls.append((op.ref, outcome.status, outcome.error_message))


def frozen(sandbox: Sandbox) -> Sandbox:
    sandbox.clock.freeze()
    return sandbox


async def test_clock_advance_fires_due_settlements_once_and_in_order(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    for ref, delay in (("late", 30), ("early", 5), ("middle", 12)):
        await hub.settings.put(f"partner:{ref}", {"delay_seconds": delay})
        plan = await hub.operations.start(KIND, ref, simulator=f"partner:{ref}", user_id=1, amount=1000, currency="USD")
        assert plan.outcome == "success" and plan.delay_seconds == delay
    sandbox.clock.advance(4)
    await sandbox.scheduler.run_due()
    assert rec.calls == []
    sandbox.clock.advance(10)  # t=14: early and middle are due
    await sandbox.scheduler.run_due()
    assert [c[0] for c in rec.calls] == ["early", "middle"]
    sandbox.clock.advance(100)
    await sandbox.scheduler.run_due()
    await sandbox.scheduler.run_due()
    assert rec.calls == [("early", "completed", None), ("middle", "completed", None), ("late", "completed", None)]
    op = await hub.operations.get("late")
    assert op is not None and op.status == "completed" and op.settled_by == "scheduled"


async def test_settle_is_exactly_once_under_concurrent_callers(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    await hub.operations.start(KIND, "race", simulator="partner:PTN-001", user_id=1, amount=500, currency="USD")
    sandbox.clock.advance(5)
    results = await asyncio.gather(
        sandbox.scheduler.run_due(),
        *(hub.operations.settle("race", "completed") for _ in range(5)),
        return_exceptions=True,
    )
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    assert rec.calls == [("race", "completed", None)]
    # settling again with the same status returns the operation; another status conflicts
    again = await hub.operations.settle("race", "completed")
    assert again.status == "completed"
    with pytest.raises(Conflict):
        await hub.operations.settle("race", "failed")
    with pytest.raises(NotFound):
        await hub.operations.settle("nope", "completed")
    assert len(rec.calls) == 1


async def test_control_settle_cancels_the_scheduled_settlement(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    await hub.operations.start(KIND, "ctl", simulator="upi", user_id=1, amount=500, currency="INR")
    op = await hub.operations.settle("ctl", "failed", "Declined by QA")
    assert op.status == "failed" and op.error_message == "Declined by QA" and op.settled_by == "control"
    sandbox.clock.advance(60)
    await sandbox.scheduler.run_due()
    assert rec.calls == [("ctl", "failed", "Declined by QA")]
    assert await sandbox.scheduler.pending("op:ctl") == []


async def test_reverse_and_cancel(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    await hub.operations.start(KIND, "rev", simulator="card", user_id=1, amount=700, currency="USD")
    with pytest.raises(Conflict):
        await hub.operations.reverse("rev")
    await hub.operations.settle("rev", "completed")
    reversed_op = await hub.operations.reverse("rev")
    assert reversed_op.status == "reversed" and reversed_op.reversed_at is not None
    assert (await hub.operations.reverse("rev")).status == "reversed"
    assert rec.calls == [("rev", "completed", None), ("rev", "reversed", None)]

    await hub.operations.start(KIND, "can", simulator="card", user_id=1, amount=700, currency="USD")
    cancelled = await hub.operations.cancel("can", reason="user cancelled")
    assert cancelled.status == "cancelled"
    sandbox.clock.advance(60)
    await sandbox.scheduler.run_due()
    assert [c[0] for c in rec.calls] == ["rev", "rev"]
    with pytest.raises(Conflict):
        await hub.operations.settle("can", "completed")


async def test_failing_handler_leaves_operation_pending(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    attempts: list[str] = []

    async def broken(op: Operation, outcome: Outcome) -> None:
        attempts.append(op.ref)
        if len(attempts) == 1:
            raise ValidationFailed("ledger said no", code="account_locked")

    hub.operations.register(KIND, broken)
    await hub.operations.start(KIND, "flaky", simulator="card", user_id=1, amount=700, currency="USD")
    with pytest.raises(ValidationFailed):
        await hub.operations.settle("flaky", "completed")
    op = await hub.operations.get("flaky")
    assert op is not None and op.status == "pending"
    assert (await hub.operations.settle("flaky", "completed")).status == "completed"
    assert attempts == ["flaky", "flaky"]


async def test_start_is_idempotent_per_ref(sandbox: Sandbox) -> None:
    hub = sandbox.simulators
    first = await hub.operations.start(KIND, "idem", simulator="upi", user_id=1, amount=100, currency="INR")
    second = await hub.operations.start(KIND, "idem", simulator="upi", user_id=1, amount=100, currency="INR")
    assert first == second
    with pytest.raises(IdempotencyMismatch):
        await hub.operations.start(KIND, "idem", simulator="upi", user_id=1, amount=101, currency="INR")
    jobs = await sandbox.scheduler.pending("op:idem")
    assert len(jobs) == 1


async def test_restart_keeps_scheduled_work(manual: Settings) -> None:
    settings = manual
    first = Sandbox(settings, settings.db)
    await first.start()
    first.clock.freeze()
    await first.save_clock()
    plan = await first.simulators.operations.start(
        KIND, "survivor", simulator="partner:PTN-003", user_id=1, amount=2500, currency="USD"
    )
    await first.stop()

    second = Sandbox(settings, settings.db)
    rec = Recorder()
    second.simulators.operations.register(KIND, rec)
    await second.start()
    try:
        assert second.clock.frozen
        pending = await second.scheduler.pending("op:survivor")
        assert len(pending) == 1 and pending[0]["due_at"] == plan.due_at
        second.clock.advance(3)
        await second.scheduler.run_due()
        assert rec.calls == [("survivor", "completed", None)]
    finally:
        await second.stop()


async def test_crash_while_settling_is_recovered_and_settled_again(manual: Settings) -> None:
    settings = manual
    first = Sandbox(settings, settings.db)
    await first.start()
    await first.simulators.operations.start(KIND, "crash", simulator="card", user_id=1, amount=900, currency="USD")
    await first.stop()
    # Simulate a crash after the claim and before the final status: the row is left 'settling'.
    conn = sqlite3.connect(settings.db)
    conn.execute(
        "UPDATE sim_operations SET status='settling', claimed_from='pending', claimed_for='failed' WHERE ref='crash'"
    )
    conn.execute("UPDATE scheduled_jobs SET status='cancelled' WHERE ref='op:crash'")
    conn.commit()
    conn.close()

    second = Sandbox(settings, settings.db)
    rec = Recorder()
    second.simulators.operations.register(KIND, rec)
    await second.start()
    try:
        await second.scheduler.run_due()
        op = await second.simulators.operations.get("crash")
        assert op is not None and op.status == "failed"
        assert [c[:2] for c in rec.calls] == [("crash", "failed")]
    finally:
        await second.stop()


async def test_behaviour_settings_are_persisted_and_applied(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    default = await hub.settings.get("upi")
    assert default["behaviour"]["delay_seconds"] == 3 and default["behaviour"]["delay_max_seconds"] == 10
    assert default["source"] == "upi default"

    await hub.settings.put("partner", {"outcome": "failure", "error_message": "Partner offline"})
    await hub.settings.put("partner:PTN-002", {"outcome": "success", "delay_seconds": 7})
    failing = await hub.operations.start(KIND, "f1", simulator="partner:PTN-001", user_id=1, amount=100, currency="USD")
    assert failing.outcome == "failure" and failing.error_message == "Partner offline"
    assert failing.explain and "partner" in failing.explain
    ok = await hub.operations.start(KIND, "f2", simulator="partner:PTN-002", user_id=1, amount=100, currency="USD")
    assert ok.outcome == "success" and ok.delay_seconds == 7

    await hub.settings.put("card", {"failure_rate": 1.0})
    drawn = await hub.operations.start(KIND, "f3", simulator="card", user_id=1, amount=100, currency="USD")
    assert drawn.outcome == "failure" and "failure rate" in (drawn.explain or "")

    await hub.settings.put("airtime", {"outcome": "manual"})
    manual = await hub.operations.start(KIND, "f4", simulator="airtime:mtn", user_id=1, amount=100, currency="NGN")
    assert manual.outcome == "manual" and manual.due_at is None
    assert await sandbox.scheduler.pending("op:f4") == []

    for bad in ({"outcome": "maybe"}, {"failure_rate": 2}, {"delay_seconds": -1}, {"colour": "red"}):
        with pytest.raises(ValidationFailed):
            await hub.settings.put("upi", bad)
    with pytest.raises(ValidationFailed):
        await hub.settings.get("teleporter")

    await hub.settings.reset("partner")
    assert (await hub.settings.get("partner"))["overrides"] == {}


async def test_upi_delay_is_uniform_3_to_10_and_seedable(sandbox: Sandbox) -> None:
    hub = sandbox.simulators
    hub.reseed(42)
    first = [
        (
            await hub.operations.start(KIND, f"u{i}", simulator="upi", user_id=1, amount=100, currency="INR")
        ).delay_seconds
        for i in range(20)
    ]
    assert all(d is not None and 3 <= d <= 10 for d in first)
    assert len(set(first)) > 5
    hub.reseed(42)
    again = [
        (
            await hub.operations.start(KIND, f"v{i}", simulator="upi", user_id=1, amount=100, currency="INR")
        ).delay_seconds
        for i in range(20)
    ]
    assert again == first


def _inputs_for(rule: MagicRule, value: str) -> tuple[str, dict[str, object], int, str]:
    """(simulator, inputs, amount, currency) that trigger ``rule`` with ``value``."""
    simulator = rule.applies_to[0] if rule.applies_to else "partner"
    if simulator == "partner":
        simulator = "partner:PTN-001"
    amount, currency = 10000, "USD"
    inputs: dict[str, object] = {}
    if rule.field == "amount":
        amount = 12300 + int(value[1:])
    elif rule.field == "card":
        inputs["card_number"] = value
    elif rule.field == "phone":
        inputs["phone"] = value
        currency = "NGN"
    else:
        inputs[rule.field] = value
    return simulator, inputs, amount, currency


async def test_every_magic_value_produces_what_the_catalogue_says(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    expected: dict[str, tuple[MagicRule, str]] = {}
    n = 0
    for rule in CATALOGUE:
        for value in rule.values:
            n += 1
            ref = f"magic-{n}"
            simulator, inputs, amount, currency = _inputs_for(rule, value)
            assert rule.applies(simulator)
            assert hub.magic.evaluate(simulator, {"amount": amount, "currency": currency, **inputs}) == rule
            plan = await hub.operations.start(
                KIND, ref, simulator=simulator, user_id=1, amount=amount, currency=currency, inputs=inputs
            )
            assert plan.rule == rule.name, (rule.name, value)
            assert plan.outcome == rule.outcome
            assert plan.error_message == rule.error_message
            assert plan.explain == rule.explain
            if rule.delay_seconds is not None:
                assert plan.delay_seconds == rule.delay_seconds
            expected[ref] = (rule, value)
            # the rule does not fire for simulators outside its families
            for other in ("partner:PTN-001", "upi", "card", "airtime:mtn", "transfer"):
                if not rule.applies(other):
                    assert hub.magic.evaluate(other, {"amount": amount, "currency": currency, **inputs}) != rule
    sandbox.clock.advance(3600)
    await sandbox.scheduler.run_due()
    for ref, (rule, value) in expected.items():
        op = await hub.operations.get(ref)
        assert op is not None
        want = {"success": "completed", "failure": "failed", "manual": "pending"}[rule.outcome]
        assert op.status == want, (rule.name, value, op.status)
        if rule.outcome == "failure":
            assert (ref, "failed", rule.error_message) in rec.calls
        if rule.field == "card":
            assert value not in str(op.inputs)
    # manual ones settle through the control path
    for ref, (rule, _) in expected.items():
        if rule.outcome == "manual":
            assert (await hub.operations.settle(ref, "completed")).status == "completed"


async def test_magic_amount_rule_respects_currency_decimals(sandbox: Sandbox) -> None:
    hub = sandbox.simulators
    assert hub.magic.evaluate("partner:PTN-001", {"amount": 1013, "currency": "KES"}).name == "amount_timeout"
    assert hub.magic.evaluate("partner:PTN-001", {"amount": 1013, "currency": "JPY"}) is None
    assert hub.magic.evaluate("partner:PTN-001", {"amount": 1012, "currency": "USD"}) is None
    assert family_of("airtime:mtn") == "airtime"


async def test_deposits_settled_through_the_ledger_balance(sandbox: Sandbox) -> None:
    """An owner handler posting with op-derived idempotency keys: concurrent settlement, ledger stays whole."""
    frozen(sandbox)
    hub = sandbox.simulators
    ledger = sandbox.ledger
    partner = await hub.partners.select("mpesa", "USD")
    wallet = await ledger.open_account("user", 77, "USD")

    async def settle_deposit(op: Operation, outcome: Outcome) -> None:
        if outcome.status != "completed":
            return
        await ledger.post(
            "TRANSACTION_TYPE_DEPOSIT",
            [Leg(debit=op.payload["partner_account"], credit=op.payload["wallet"], amount=op.amount)],
            idempotency_key=f"op:{op.ref}:{outcome.status}",
        )

    hub.operations.register("test.ledger_deposit", settle_deposit)
    refs = [f"dep-{i}" for i in range(20)]
    await asyncio.gather(
        *(
            hub.operations.start(
                "test.ledger_deposit",
                ref,
                simulator=partner.simulator,
                user_id=77,
                amount=1000 + 100 * i,  # whole units: no magic ending
                currency="USD",
                payload={"partner_account": partner.account_id("USD"), "wallet": wallet.id},
            )
            for i, ref in enumerate(refs)
        )
    )
    sandbox.clock.advance(2)
    await asyncio.gather(
        sandbox.scheduler.run_due(), *(hub.operations.settle(r, "completed") for r in refs[:10]), return_exceptions=True
    )
    await sandbox.scheduler.run_due()
    balance = await ledger.balance(wallet.id)
    assert balance.balance == sum(1000 + 100 * i for i in range(20))
    float_account = await ledger.balance(partner.account_id("USD"))
    assert float_account.balance == -balance.balance
    assert (await ledger.check()).ok


async def test_control_can_override_a_planned_failure(sandbox: Sandbox) -> None:
    frozen(sandbox)
    hub = sandbox.simulators
    rec = Recorder()
    hub.operations.register(KIND, rec)
    plan = await hub.operations.start(KIND, "ovr", simulator="partner:PTN-001", user_id=1, amount=1013, currency="KES")
    assert plan.outcome == "failure"
    op = await hub.operations.settle("ovr", "completed")
    assert op.status == "completed" and op.error_message is None
    assert rec.calls == [("ovr", "completed", None)]
    ops = await hub.operations.list(status="completed")
    assert [o.ref for o in ops] == ["ovr"]
