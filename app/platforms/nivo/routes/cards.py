"""Nivo virtual cards at the gateway: /api/v1/wallet/wallets/{wallet_id}/cards and /api/v1/wallet/cards/... (Flow 8)."""

from __future__ import annotations

from litestar import delete, get, patch, post

from app.platforms.nivo import cards, render
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.platforms.nivo.wallets import wallet_of
from app.registry import SandboxDep
from app.runtime import Sandbox


@post(
    "/wallets/{wallet_id:str}/cards",
    status_code=201,
    summary="Issue a virtual card (CVV shown once)",
    operation_id="nivoCreateCard",
)
async def create_card(
    wallet_id: str, data: s.CreateCardRequest, caller: NivoCaller, sandbox: SandboxDep
) -> s.CardCreatedEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    card = await cards.issue_card(sandbox, caller.user, w, data.card_holder_name)
    details = s.CardDetailsOut(
        card_number=card.number, expiry_month=card.expiry_month, expiry_year=card.expiry_year, cvv=card.cvv
    )
    return s.CardCreatedEnvelope(
        success=True,
        data=s.CardCreatedOut(card=render.card(card.row, w.currency), details=details, message=cards.CVV_MESSAGE),
    )


@get(
    "/wallets/{wallet_id:str}/cards",
    summary="List a wallet's cards",
    operation_id="nivoListCards",
)
async def list_cards(wallet_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.CardListEnvelope:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    rows = await cards.cards_of_wallet(sandbox, w.id)
    return s.CardListEnvelope(success=True, data=[render.card(r, w.currency) for r in rows])


@get("/cards/{card_id:str}", summary="Get a card (masked)", operation_id="nivoGetCard")
async def get_card(card_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.CardEnvelope:
    row, w = await cards.card_of(sandbox, card_id, caller.user.id)
    return s.CardEnvelope(success=True, data=render.card(row, w.currency))


async def _move_card(
    sandbox: Sandbox, card_id: str, caller: NivoCaller, allowed: tuple[str, ...], target: str
) -> s.CardEnvelope:
    row, w = await cards.card_of(sandbox, card_id, caller.user.id)
    updated = await cards.set_status(sandbox, row, allowed, target)
    return s.CardEnvelope(success=True, data=render.card(updated, w.currency))


@post(
    "/cards/{card_id:str}/freeze",
    status_code=200,
    summary="Freeze a card",
    operation_id="nivoFreezeCard",
)
async def freeze_card(card_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.CardEnvelope:
    return await _move_card(sandbox, card_id, caller, ("active",), "frozen")


@post(
    "/cards/{card_id:str}/unfreeze",
    status_code=200,
    summary="Unfreeze a card",
    operation_id="nivoUnfreezeCard",
)
async def unfreeze_card(card_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.CardEnvelope:
    return await _move_card(sandbox, card_id, caller, ("frozen",), "active")


@delete(
    "/cards/{card_id:str}",
    status_code=200,
    summary="Cancel a card (final)",
    operation_id="nivoCancelCard",
)
async def cancel_card(card_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.CardEnvelope:
    return await _move_card(sandbox, card_id, caller, ("active", "frozen"), "cancelled")


@patch(
    "/cards/{card_id:str}/limits",
    status_code=200,
    summary="Update card limits",
    operation_id="nivoCardLimits",
)
async def update_limits(
    card_id: str, data: s.CardLimitsRequest, caller: NivoCaller, sandbox: SandboxDep
) -> s.CardEnvelope:
    row, w = await cards.card_of(sandbox, card_id, caller.user.id)
    updated = await cards.update_limits(sandbox, row, w, data)
    return s.CardEnvelope(success=True, data=render.card(updated, w.currency))


HANDLERS = [create_card, list_cards, get_card, freeze_card, unfreeze_card, cancel_card, update_limits]
