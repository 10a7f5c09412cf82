"""install(sandbox): the banks simulator and the settlement handler of Drop remittances."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core import tunables
from app.core.errors import ValidationFailed
from app.core.tunables import Tunable
from app.platforms.drop import fixtures, provisioning
from app.platforms.drop.flags import FeatureFlags
from app.platforms.drop.settlement import REMITTANCE_KIND, resume_settlements, settle_remittance
from simulators.banks import install as install_banks

if TYPE_CHECKING:
    from app.runtime import Sandbox


def install(sandbox: Sandbox) -> None:
    install_banks(sandbox)  # sandbox.extras["banks"]
    flags = sandbox.extras["drop_flags"] = FeatureFlags(sandbox)
    provisioning.install(sandbox)  # the account money on demand credits
    fixtures.install(sandbox)  # drop_bank_accounts in fixture documents

    async def write_flags(values: dict[str, Any]) -> dict[str, Any]:
        bad = {k: v for k, v in values.items() if not isinstance(v, bool)}
        if bad:
            raise ValidationFailed(f"Drop feature flags take true or false, got {bad}", code="invalid_setting")
        try:
            return dict(await flags.set(values))
        except ValueError as exc:
            raise ValidationFailed(str(exc), code="invalid_setting") from None

    async def read_flags() -> dict[str, Any]:
        return dict(await flags.all())

    tunables.register(
        sandbox,
        Tunable("drop", f"feature flags {list(FeatureFlags.names)} (true/false)", read_flags, write_flags),
    )

    async def settle(op: Any, outcome: Any) -> None:
        await settle_remittance(sandbox, op.ref, outcome.status, outcome.error_message)

    def register(_: Sandbox) -> None:
        sandbox.simulators.operations.register(REMITTANCE_KIND, settle)

    async def resume(_: Sandbox) -> None:
        await resume_settlements(sandbox)

    if getattr(sandbox, "simulators", None) is not None:
        register(sandbox)
    else:  # simulators installed after Drop: register once everything is built
        sandbox.on_start(register)
    sandbox.on_start(resume)
