"""get_partners: the simulated payment partners."""

from __future__ import annotations

from app.platforms.cashier import partners, render, schemas
from app.platforms.cashier.session import Reply, Session


async def get_partners(session: Session, req: schemas.GetPartners) -> Reply:
    items = [render.partner(p) for p in await partners.find_partners(session, req.service, req.currency, req.country)]
    return Reply("partners retrieved", {"partners": items, "count": len(items)})
