"""get_partners: the simulated payment partners (M-Pesa, PayPal, bank transfer ...) by service."""

from __future__ import annotations

from typing import Any

from app.platforms.cashier import schemas
from app.platforms.cashier.session import Reply, Session, settled


def render_partner(partner: Any) -> dict[str, Any]:
    return {
        "id": partner.id,
        "name": partner.name,
        "country": partner.country,
        "service": partner.service,
        "status": partner.status,
    }


async def get_partners(session: Session, req: schemas.GetPartners) -> Reply:
    service = (req.service or "").strip().lower() or None
    currency = (req.currency or "").strip().upper() or None
    country = (req.country or "").strip().upper() or None
    partners = await settled(
        session.sandbox.simulators.partners.list(service=service, currency=currency, country=country)
    )
    items = [render_partner(p) for p in partners]
    return Reply("partners retrieved", {"partners": items, "count": len(items)})
