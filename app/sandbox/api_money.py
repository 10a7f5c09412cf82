"""/_sandbox/users/{user}/fund and /debit: money on demand from (and back to) the sandbox funding account.

Both take ``{"currency", "amount", "platform"?}`` with ``amount`` in minor units (as every amount of
the control API) and an optional ``Idempotency-Key`` header: a retry with the same key and body
answers the first result (``replayed: true``) and moves nothing; the same key with another body is
``409 idempotency_mismatch``. Funding opens the wallet when the platform's rules allow; a debit
never goes below the wallet's available balance (``409 insufficient_funds``).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import HeaderParameter
from litestar.status_codes import HTTP_200_OK

from app.core.errors import ValidationFailed
from app.registry import SandboxDep
from app.sandbox.funding import Direction, MoneyOrder, move_money
from app.sandbox.schemas_money import MoneyMoved, MoneyRequest
from app.sandbox.services import find_user

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=255,
        description="makes a retry answer the first result instead of moving money again",
    ),
]


async def _strict_amount(request: Request[Any, Any, Any]) -> None:
    """The framework coerces "1.00" or "100" into an int; an amount must be a JSON integer, never a string."""
    raw = await request.json()
    amount = raw.get("amount") if isinstance(raw, dict) else None
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed(
            f"amount must be a JSON integer of minor units (10000 is 100.00 USD), got {amount!r}",
            code="validation_error",
            field="amount",
        )


def _key(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip()
    if not key:
        raise ValidationFailed("Idempotency-Key must not be blank", code="invalid_idempotency_key")
    return key


async def _move(
    request: Request[Any, Any, Any],
    sandbox: SandboxDep,
    direction: Direction,
    user_ref: str,
    data: MoneyRequest,
    key: str | None,
) -> MoneyMoved:
    await _strict_amount(request)
    user = await find_user(sandbox, user_ref)
    order = MoneyOrder(
        direction,
        user.id,
        user.email,
        data.currency,
        data.amount,
        data.platform,
        _key(key),
        data.description or "",
    )
    return msgspec.convert(await move_money(sandbox, order), MoneyMoved)


def _money_route(direction: Direction, summary: str) -> HTTPRouteHandler:
    """``POST /{user_ref}/<direction>``: the handler ``<direction>_user`` (its name makes the operationId)."""

    async def handler(
        self: Controller,
        request: Request[Any, Any, Any],
        sandbox: SandboxDep,
        user_ref: str,
        data: MoneyRequest,
        idempotency_key: IdempotencyKey = None,
    ) -> MoneyMoved:
        return await _move(request, sandbox, direction, user_ref, data, idempotency_key)

    handler.__name__ = f"{direction}_user"
    handler.__qualname__ = f"MoneyController.{direction}_user"
    handler.__doc__ = None  # the summary is the operation's only text
    route: HTTPRouteHandler = post(f"/{{user_ref:str}}/{direction}", status_code=HTTP_200_OK, summary=summary)(handler)
    return route


class MoneyController(Controller):
    path = "/users"
    tags = ["sandbox: users"]

    fund_user = _money_route(
        "fund",
        "Credit a user's wallet from the sandbox funding account (opens the wallet when the platform allows)",
    )
    debit_user = _money_route(
        "debit",
        "Take money from a user's wallet back to the sandbox funding account (not beyond its available)",
    )
