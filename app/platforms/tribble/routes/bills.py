"""Bill payment routes: airtime providers, top-up, top-up history."""

from __future__ import annotations

from litestar import get, post

from app.core.clock import iso
from app.core.identity.models import Principal
from app.lean_response import Response
from app.platforms.tribble import kyc
from app.platforms.tribble.bills import (
    payment_source,
    record_topup,
    refuse_magic_failure,
    start_provider,
    validated_topup,
)
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.render import amount, new_id
from app.platforms.tribble.schemas import (
    AmountRange,
    ProviderOut,
    ProvidersOut,
    TopupIn,
    TopupItem,
    TopupListOut,
    TopupOut,
)
from app.platforms.tribble.store import bills as store
from app.registry import SandboxDep


@get("/bills/airtime/providers", summary="Airtime providers", tags=["tribble: bills"])
async def list_providers(sandbox: SandboxDep) -> ProvidersOut:
    providers = [p for p in await sandbox.simulators.airtime.providers() if p.status == "active"]
    return ProvidersOut(
        providers=[
            ProviderOut(
                provider_id=p.id,
                name=p.name,
                logo=p.logo,
                amount_range=AmountRange(min=amount(p.min_amount, p.currency), max=amount(p.max_amount, p.currency)),
                denominations=[amount(d, p.currency) for d in p.denominations],
                currency=p.currency,
            )
            for p in providers
        ]
    )


@post("/bills/airtime/topup", status_code=201, summary="Buy airtime", tags=["tribble: bills"])
async def topup(caller: Principal, sandbox: SandboxDep, data: TopupIn) -> Response[TopupOut]:
    provider_id, provider, minor, phone = await validated_topup(sandbox, data)
    currency = provider.currency
    user = caller.user
    wallet, method = await payment_source(sandbox, caller, data.payment_method_id, currency)
    refuse_magic_failure(sandbox, provider, provider_id, phone, minor)
    await kyc.check_limits(sandbox, user.id, user.kyc_tier, minor, currency)
    topup_id = new_id("bill-txn")
    reference = new_id("ref")
    now = sandbox.clock.time()
    values = (
        topup_id,
        user.id,
        provider_id,
        phone,
        minor,
        currency,
        reference,
        method["id"] if method else None,
        wallet.id if wallet else None,
        now,
    )
    await record_topup(sandbox, provider, wallet, values, minor, phone)
    plan = await start_provider(sandbox, provider, topup_id, user.id, method, minor, phone)
    status = "SUCCESS" if plan.outcome == "success" else "PROCESSING"
    if status == "SUCCESS":
        await sandbox.db.write(lambda conn: store.succeed_if_processing(conn, topup_id))
    body = TopupOut(
        transaction_id=topup_id,
        type="airtime_topup",
        provider=provider_id,
        phone_number=phone,
        amount=amount(minor, currency),
        status=status,
        reference=reference,
        message=(
            "Airtime topup successful. Balance will be credited within 5 seconds."
            if status == "SUCCESS"
            else "Airtime topup is processing."
        ),
        created_at=iso(now),
    )
    return Response(body, status_code=201, headers={"X-Sandbox-Explain": plan.explain} if plan.explain else {})


@get("/bills/topups", summary="Airtime top-up history", tags=["tribble: bills"])
async def list_topups(caller: Principal, sandbox: SandboxDep, listing: ListQuery) -> TopupListOut:
    user_id = caller.user.id
    rows = await sandbox.db.read(lambda conn: store.topups_of_user(conn, user_id))
    page, total = apply(
        rows,
        listing,
        status=lambda r: r["status"],
        created=lambda r: r["created_at"],
        text=lambda r: (r["id"], r["provider"], r["phone"], r["reference"]),
        sort_keys={
            "createdAt": lambda r: r["created_at"],
            "amount": lambda r: r["amount"],
            "provider": lambda r: r["provider"],
        },
    )
    return TopupListOut(
        topups=[
            TopupItem(
                transaction_id=r["id"],
                provider=r["provider"],
                phone_number=r["phone"],
                amount=amount(int(r["amount"]), r["currency"]),
                status=r["status"],
                reference=r["reference"],
                created_at=iso(r["created_at"]),
            )
            for r in page
        ],
        pagination=listing.page(total),
    )


ROUTES = [list_providers, topup, list_topups]
