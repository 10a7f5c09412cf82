"""Drop's HTTP routes, one module per resource of the contract; ``ROUTES`` holds every handler.

The modules are imported here, not in the package's ``__init__``: bound there, ``auth``, ``cards``,
``gdpr``, ``merchants`` and ``notifications`` would shadow the domain modules of the same names.
"""

from __future__ import annotations

from app.platforms.drop.routes import (
    auth,
    cards,
    gdpr,
    merchants,
    notifications,
    rates,
    recipients,
    settings,
    transactions,
)

ROUTES = [
    *auth.ROUTES,
    *transactions.ROUTES,
    *recipients.ROUTES,
    *cards.ROUTES,
    *rates.ROUTES,
    *notifications.ROUTES,
    *settings.ROUTES,
    *merchants.ROUTES,
    *gdpr.ROUTES,
]
