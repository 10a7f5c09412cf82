"""Ubiquitous Tribble (REST under ``/api/v1`` + Socket.IO at ``/socket.io``) on the shared core.

Implemented (tribble-rest.md, every route of the inventory): authentication (register, login,
refresh-token, logout, kyc-status, submit-kyc with a simulated reviewer whose delay QA sets with
``PUT /_sandbox/platforms/tribble {"kyc_review_seconds": 0}``), users (profile,
change-password), wallets (the user's NGN and USD ledger wallets: list, get, fund from a card
through the card simulator), payment methods (cards tokenised by the card simulator, bank
accounts masked), transactions (payments to merchants from the wallet or a card, fraud score,
KYC tier limits, Idempotency-Key), refunds (merchant-issued, completed by the simulator),
receipts (signed, real PDF served by the sandbox, email to the inbox), airtime bill payments,
merchants (register, profile, settlement settings and scheduled payouts, dashboard,
analytics), fraud (risk score, admin analytics), disputes (held funds, evidence, admin
resolution through the ledger), subscriptions (plans, trials, setup fees, renewals and dunning
on the sandbox clock, metrics), admin merchant KYC, and Socket.IO events from the event bus.
Errors use the documented envelope and code table; every list has limit/offset pagination and
the common filters; rate limits per KYC tier with X-RateLimit-* headers.

LIMITATIONS:
- Refunds leave the transaction status SUCCESS (refunds are listed per transaction).
- A card top-up of airtime posts nothing to the ledger (card -> provider outside the sandbox).
- Subscription plan changes (upgrade/downgrade) do not exist, so expansion/contraction MRR is 0.
- The merchant's response to a dispute is not modelled (``merchantResponse`` stays null).
- Reports render money in the merchant's main currency only.
- See docs/platforms/tribble.md for every choice where the contract is silent.
"""

from __future__ import annotations

from typing import Any

from litestar import Router
from litestar.di import Provide

from app.platforms.base import PlatformSpec
from app.platforms.tribble import (
    billing,
    bills,
    fixtures,
    kyc,
    payments,
    provisioning,
    realtime,
    refunds,
    settlements,
    wallets,
)
from app.platforms.tribble.errors import error_response
from app.platforms.tribble.frame_contract import frame_problem
from app.platforms.tribble.pagination import provide_list_query
from app.platforms.tribble.routes import admin as admin_routes
from app.platforms.tribble.routes import analytics as analytics_routes
from app.platforms.tribble.routes import auth as auth_routes
from app.platforms.tribble.routes import bills as bill_routes
from app.platforms.tribble.routes import disputes as dispute_routes
from app.platforms.tribble.routes import fraud as fraud_routes
from app.platforms.tribble.routes import merchants as merchant_routes
from app.platforms.tribble.routes import payment_methods as payment_method_routes
from app.platforms.tribble.routes import receipts as receipt_routes
from app.platforms.tribble.routes import refunds as refund_routes
from app.platforms.tribble.routes import subscriptions as subscription_routes
from app.platforms.tribble.routes import transactions as transaction_routes
from app.platforms.tribble.routes import users as user_routes
from app.platforms.tribble.routes import wallets as wallet_routes
from app.platforms.tribble.security import provide_caller, rate_limit_middleware
from app.runtime import Sandbox

ROUTES: list[Any] = [
    *auth_routes.ROUTES,
    *user_routes.ROUTES,
    *wallet_routes.ROUTES,
    *payment_method_routes.ROUTES,
    *transaction_routes.ROUTES,
    *refund_routes.ROUTES,
    *receipt_routes.ROUTES,
    *bill_routes.ROUTES,
    *merchant_routes.ROUTES,
    *admin_routes.ROUTES,
    *fraud_routes.ROUTES,
    *dispute_routes.ROUTES,
    *subscription_routes.ROUTES,
    *analytics_routes.ROUTES,
]

router = Router(
    path="/api/v1",
    route_handlers=ROUTES,
    dependencies={"caller": Provide(provide_caller), "listing": Provide(provide_list_query)},
    middleware=[rate_limit_middleware],
)

PLATFORM = PlatformSpec(
    name="tribble",
    route_handlers=[router, realtime.socketio_mount],
    path_prefixes=("/api/v1",),
    error_response=error_response,
    frame_contract=frame_problem,  # its Socket.IO packets, for the request journal's "matched"
)


def install(sandbox: Sandbox) -> None:
    """Register the scheduler job and the settle handlers of Tribble's simulator operations."""
    kyc.install(sandbox)
    billing.install(sandbox)
    settlements.install(sandbox)
    realtime.install(sandbox)
    provisioning.install(sandbox)  # the wallet money on demand credits
    fixtures.install(sandbox)  # tribble_merchants ... tribble_disputes in fixture documents
    ops = sandbox.simulators.operations

    async def fund(op: Any, outcome: Any) -> None:
        await wallets.settle_fund(sandbox, op, outcome)

    async def charge(op: Any, outcome: Any) -> None:
        await payments.settle_charge(sandbox, op, outcome)

    async def refund(op: Any, outcome: Any) -> None:
        await refunds.settle_refund(sandbox, op, outcome)

    async def airtime(op: Any, outcome: Any) -> None:
        await bills.settle_topup(sandbox, op, outcome)

    ops.register(wallets.FUND_KIND, fund)
    ops.register(payments.CHARGE_KIND, charge)
    ops.register(refunds.REFUND_KIND, refund)
    ops.register(bills.TOPUP_KIND, airtime)
