"""/api/cards (FUTURE, feature-flagged): every route 404s until its flags are on.

Flags (table ``drop_feature_flags``, all off by default): ``cards`` gates every card route;
``physicalCards``, ``cardPin`` and ``spendingLimits`` additionally gate their own routes.
The full card number is never stored (only last4); CVV is never stored; PINs are bcrypt-hashed.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, patch, post, put

from app.core.identity.models import User
from app.core.numbers import ascii_digits
from app.lean_response import Response
from app.platforms.drop import cards, render
from app.platforms.drop.auth import current_user
from app.platforms.drop.errors import bad_request, conflict, field_error, not_found, validation_error
from app.platforms.drop.flags import flag
from app.platforms.drop.parsing import json_object, money, sanitize
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropCard, DropCardLimit
from app.platforms.drop.store import cards as store
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: cards (feature-flagged)"]


async def _gate(request: Request[Any, Any, Any], sandbox: Sandbox, *names: str) -> User:
    for name in ("cards", *names):
        if not await flag(sandbox, name):
            raise not_found("Not found")
    return await current_user(request, sandbox)


@get("/api/cards", tags=TAGS, summary="List cards (excludes cancelled)")
async def list_cards(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[list[DropCard]]]:
    user = await _gate(request, sandbox)
    rows = await store.live_cards_of(sandbox.db, user.id)
    return ok(request, Data([render.card(r) for r in rows]))


@post("/api/cards", status_code=201, tags=TAGS, summary="Create a card (virtual or physical)")
async def create_card(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox)
    body = await json_object(request, allow_empty=True)
    card_type = body.get("type", "virtual")
    if card_type not in cards.CARD_TYPES:
        raise bad_request("type must be virtual or physical", [field_error("type", "invalid value")])
    card_id = await cards.issue_card(sandbox, user.id, card_type)
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, card_id))), 201)


@get("/api/cards/{id:str}", tags=TAGS, summary="Card details (number masked, CVV hidden)")
async def get_card(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox)
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, id))))


@patch("/api/cards/{id:str}", tags=TAGS, summary="Freeze or unfreeze a card")
async def update_card(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox)
    body = await json_object(request)
    status = body.get("status")
    if status not in ("active", "frozen"):
        raise bad_request("status must be active or frozen", [field_error("status", "invalid value")])
    await cards.own_card(sandbox, user.id, id)
    await store.set_card_status(sandbox.db, id, status, sandbox.clock.time())
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, id))))


@delete("/api/cards/{id:str}", status_code=200, tags=TAGS, summary="Cancel a card (soft delete)")
async def cancel_card(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox)
    await cards.own_card(sandbox, user.id, id)
    await store.cancel_card(sandbox.db, id, sandbox.clock.time())
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, id, allow_cancelled=True))))


@post("/api/cards/{id:str}/physical", status_code=200, tags=TAGS, summary="Order a physical card")
async def order_physical(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox, "physicalCards")
    body = await json_object(request)
    address = body.get("address")
    if not isinstance(address, str) or len(address.strip()) < 10:
        raise bad_request("address must be at least 10 characters", [field_error("address", "min 10 characters")])
    row = await cards.own_card(sandbox, user.id, id)
    if row["physical_status"] is not None:
        raise conflict("A physical card has already been ordered")
    await store.order_physical_card(sandbox.db, id, sanitize(address, 300), sandbox.clock.time())
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, id))))


@post("/api/cards/{id:str}/pin", status_code=200, tags=TAGS, summary="Set the card PIN (bcrypt-hashed)")
async def set_pin(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCard]]:
    user = await _gate(request, sandbox, "cardPin")
    body = await json_object(request)
    pin = body.get("pin")
    if not isinstance(pin, str) or len(pin) != 4 or not ascii_digits(pin):
        raise bad_request("pin must be exactly 4 digits", [field_error("pin", "exactly 4 digits")])
    await cards.own_card(sandbox, user.id, id)
    await cards.set_pin(sandbox, id, pin)
    return ok(request, Data(render.card(await cards.own_card(sandbox, user.id, id))))


@get("/api/cards/{id:str}/limits", tags=TAGS, summary="Spending limits of a card")
async def get_limits(
    request: Request[Any, Any, Any], sandbox: SandboxDep, id: str
) -> Response[Data[list[DropCardLimit]]]:
    user = await _gate(request, sandbox, "spendingLimits")
    await cards.own_card(sandbox, user.id, id)
    rows = await store.limits_of(sandbox.db, id)
    return ok(request, Data([render.card_limit(r) for r in rows]))


@put("/api/cards/{id:str}/limits", tags=TAGS, summary="Set a spending limit (replaces the same type)")
async def set_limit(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> Response[Data[DropCardLimit]]:
    user = await _gate(request, sandbox, "spendingLimits")
    body = await json_object(request)
    limit_type = body.get("limitType")
    if limit_type not in cards.LIMIT_TYPES:
        raise validation_error([field_error("limitType", "must be daily, weekly, monthly or transaction")])
    if "amount" not in body:
        raise validation_error([field_error("amount", "amount is required")])
    amount = money(body["amount"], "NOK", status=422)
    await cards.own_card(sandbox, user.id, id)
    now = sandbox.clock.time()
    await store.upsert_limit(sandbox.db, id, limit_type, amount, now)
    row = await store.limit_of(sandbox.db, id, limit_type)
    return ok(request, Data(render.card_limit(row)))


ROUTES = [list_cards, create_card, get_card, update_card, cancel_card, order_physical, set_pin, get_limits, set_limit]
