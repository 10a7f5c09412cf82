"""``SimulatorHub``: the simulated outside world of one sandbox (``sandbox.simulators``).

One object per sandbox holding the simulators over its database and clock, and the one
seedable random source they all draw from (delays, failure rates, FX drift), so a seed
reproduces a run (``PAYSANDBOX`` settings ``extra["seed"]`` or ``hub.reseed(n)``).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from simulators.agents import AgentDirectory
from simulators.airtime import AirtimeDirectory
from simulators.cards import CardProcessor
from simulators.fxfeed import FxFeed
from simulators.magic import MagicCatalogue
from simulators.operations import OperationService
from simulators.partners import PartnerDirectory
from simulators.settings import SimulatorSettings
from simulators.upi import UpiPsp
from simulators.webhooks import WebhookService

if TYPE_CHECKING:
    from app.runtime import Sandbox


class SimulatorHub:
    def __init__(self, sandbox: Sandbox, *, seed: int | None = None) -> None:
        self.sandbox = sandbox
        if seed is None:
            extra_seed = sandbox.settings.extra.get("seed")
            seed = int(extra_seed) if extra_seed is not None else None
        self.seed = seed
        self.random = random.Random(seed)
        db, clock, scheduler = sandbox.db, sandbox.clock, sandbox.scheduler
        self.settings = SimulatorSettings(db, clock)
        self.magic = MagicCatalogue()
        self.operations = OperationService(db, clock, scheduler, self.random)
        self.partners = PartnerDirectory(db)
        self.agents = AgentDirectory(db)
        self.cards = CardProcessor(db, clock)
        self.upi = UpiPsp()
        self.airtime = AirtimeDirectory(db)
        self.fx = FxFeed(db, clock, scheduler, self.random, sandbox)
        self.webhooks = WebhookService(db, clock, scheduler)

    @property
    def banks(self) -> Any:
        """Drop's open-banking banks (``simulators/banks.py``), attached by Drop's install, or None."""
        return self.sandbox.extras.get("banks")

    def reseed(self, seed: int | None) -> None:
        """Reset the one random source (the same seed reproduces delays, failures and FX drift)."""
        self.seed = seed
        self.random.seed(seed)

    async def seed_reference_data(self) -> None:
        """Partners, agents, airtime providers and their ledger accounts (idempotent)."""
        from simulators.seed import seed_reference_data

        await seed_reference_data(self.sandbox)

    async def on_start(self) -> None:
        """At every start, and again after a snapshot restore or reset (the control API reruns start hooks)."""
        self.webhooks.forget_cache()
        await self.operations.recover()
        await self.seed_reference_data()

    async def reload(self) -> None:
        """The database was swapped underneath (restore/reset): drop what is cached from it."""
        self.webhooks.forget_cache()

    async def on_stop(self) -> None:
        await self.webhooks.close()
