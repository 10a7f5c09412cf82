"""Nivo's routes at its gateway prefixes, one module per resource of the contract.

``identity`` (``/api/v1/identity``), ``wallets``, ``upi`` and ``beneficiaries`` (the wallet
service, ``/api/v1/wallet``), ``cards`` (also ``/api/v1/wallet``), ``transactions`` (with the
category list) and ``statements`` (the transaction service, ``/api/v1/transaction``). Each router
provides ``caller`` (and the identity one ``portal_caller``): ``auth.py``.
"""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from app.platforms.nivo.auth import provide_caller, provide_portal_caller
from app.platforms.nivo.routes import beneficiaries, cards, identity, statements, transactions, upi, wallets

identity_router = Router(
    path="/api/v1/identity",
    route_handlers=identity.HANDLERS,
    dependencies={"caller": Provide(provide_caller), "portal_caller": Provide(provide_portal_caller)},
    tags=["nivo: identity"],
)
wallet_router = Router(
    path="/api/v1/wallet",
    route_handlers=[*wallets.HANDLERS, *upi.HANDLERS, *beneficiaries.HANDLERS],
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: wallet"],
)
card_router = Router(
    path="/api/v1/wallet",
    route_handlers=cards.HANDLERS,
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: cards"],
)
transaction_router = Router(
    path="/api/v1/transaction",
    route_handlers=transactions.HANDLERS,
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: transaction"],
)
statement_router = Router(
    path="/api/v1/transaction",
    route_handlers=statements.HANDLERS,
    dependencies={"caller": Provide(provide_caller)},
    tags=["nivo: statements"],
)
ROUTERS = [identity_router, wallet_router, card_router, transaction_router, statement_router]
