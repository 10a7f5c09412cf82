"""install(sandbox) wires the ledger and its hold-expiry job into a sandbox's core."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from app.core.clock import SandboxClock
from app.core.ledger import LedgerService, Leg, install
from app.core.scheduler import Scheduler
from app.db.database import Database
from app.runtime import INSTALLERS


def test_ledger_installs_first() -> None:
    assert INSTALLERS[0] == "app.core.ledger:install"


async def test_install_sets_ledger_and_expires_holds_through_the_scheduler(tmp_path: Path) -> None:
    db = Database(tmp_path / "install.db")
    db.open()
    clock = SandboxClock()
    clock.freeze()
    box = SimpleNamespace(db=db, clock=clock, scheduler=Scheduler(db, clock))
    try:
        install(box)  # type: ignore[arg-type]
        ledger: LedgerService = box.ledger
        wallet = await ledger.open_account("user", 1, "USD")
        settlement = await ledger.system_account("settlement", "USD")
        await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 900)])
        hold = await ledger.place_hold(wallet.id, 900, expires_at=clock.time() + 30)
        pending = await box.scheduler.pending(f"hold:{hold.id}")
        assert len(pending) == 1 and pending[0]["kind"] == "ledger.hold_expiry"
        clock.advance(30)
        assert await box.scheduler.run_due() == 1
        assert (await ledger.hold(hold.id)).status == "expired"  # type: ignore[union-attr]
        assert (await ledger.balance(wallet.id)).available == 900
        assert (await ledger.check()).ok
    finally:
        db.close()
