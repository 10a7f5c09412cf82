"""/api/rates: every corridor rate from NOK (public, 120 req/min per IP)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from app.core.errors import ValidationFailed
from app.lean_response import Response
from app.platforms.drop import corridors, render
from app.platforms.drop.errors import not_found
from app.platforms.drop.limits import RATES_LIMIT, enforce
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropRate, DropRates
from app.registry import SandboxDep

TAGS = ["Drop: rates"]


@get("/api/rates", tags=TAGS, summary="All exchange rates from NOK")
async def list_rates(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropRates]]:
    await enforce(request, sandbox, "rates", RATES_LIMIT)
    rates: dict[str, float] = {}
    updated = 0.0
    for currency in corridors.RATE_CURRENCIES:
        quote = await corridors.rate(sandbox, currency, store=False)
        rates[currency] = render.rate(quote.rate)
        updated = max(updated, quote.updated_at)
    return ok(request, Data(DropRates("NOK", rates, render.iso(updated or sandbox.clock.time()))))


@get("/api/rates/{currency:str}", tags=TAGS, summary="Rate NOK -> currency, with the remittance fee")
async def get_rate(request: Request[Any, Any, Any], sandbox: SandboxDep, currency: str) -> Response[Data[DropRate]]:
    await enforce(request, sandbox, "rates", RATES_LIMIT)
    code = currency.strip().upper()
    if code == corridors.SEND_CURRENCY or len(code) != 3:
        raise not_found(f"No rate for {currency}")
    try:
        quote = await corridors.rate(sandbox, code, store=False)
    except ValidationFailed:
        raise not_found(f"No rate for {currency}") from None
    _, fee_rate = await corridors.fee_of(sandbox, "remittance", corridors.REMITTANCE_MIN)
    data = DropRate("NOK", code, render.rate(quote.rate), float(fee_rate), render.iso(quote.updated_at))
    return ok(request, Data(data))


ROUTES = [list_rates, get_rate]
