"""The simulated outside world: partners, agents, UPI, card processor, airtime, FX feed, webhooks.

``install(sandbox)`` sets ``sandbox.simulators`` (a :class:`simulators.hub.SimulatorHub`),
registers the scheduler handlers (operation settlement, webhook attempts, FX ticks),
subscribes the webhooks to the event bus and seeds the reference data at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.runtime import Sandbox


def install(sandbox: Sandbox) -> None:
    from simulators.hub import SimulatorHub

    hub = SimulatorHub(sandbox)
    sandbox.simulators = hub
    sandbox.events.subscribe(hub.webhooks.on_event)

    async def start(_: Sandbox) -> None:
        await hub.on_start()

    async def stop(_: Sandbox) -> None:
        await hub.on_stop()

    sandbox.on_start(start)
    sandbox.on_stop(stop)
