"""The simulated payment partners (M-Pesa, PayPal, bank transfer ...) by service, currency and country."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier.session import Session, settled


async def find_partners(session: Session, service: str | None, currency: str | None, country: str | None) -> Any:
    """The partners matching the filters (blank filters match all; case does not matter)."""
    return await settled(
        session.sandbox.simulators.partners.list(
            service=(service or "").strip().lower() or None,
            currency=(currency or "").strip().upper() or None,
            country=(country or "").strip().upper() or None,
        )
    )
