"""Fee and exchange-rate disclosure before a payment: what a remittance or a QR payment would cost.

Rates are read without recording an FX quote (``corridors.rate(store=False)``); nothing is written.
"""

from __future__ import annotations

from app.core.errors import ValidationFailed
from app.platforms.drop import corridors, render
from app.platforms.drop.errors import field_error, not_found, validation_error
from app.platforms.drop.schemas import DropDisclosure
from app.platforms.drop.store.recipients import recipient_by_id
from app.runtime import Sandbox

NOK = corridors.SEND_CURRENCY


async def of_qr_payment(sandbox: Sandbox, amount: int) -> DropDisclosure:
    fee, fee_rate = await corridors.fee_of(sandbox, "qr_payment", amount)
    return DropDisclosure(
        amount=render.amount(amount, NOK),
        fee=render.amount(fee, NOK),
        fee_percentage=render.percent(fee_rate),
        exchange_rate=None,
        receive_amount=render.amount(amount, NOK),
        receive_currency=NOK,
        estimated_delivery=corridors.INSTANT,
        total_cost=render.amount(amount + fee, NOK),
    )


async def of_remittance(sandbox: Sandbox, user_id: int, recipient_id: str, amount: int) -> DropDisclosure:
    """To one of the user's recipients (404 for another's; 422 when its corridor has no rate)."""
    recipient = await recipient_by_id(sandbox.db, recipient_id)
    if recipient is None or int(recipient["user_id"]) != user_id:
        raise not_found("Recipient not found")
    try:
        fx = await corridors.rate(sandbox, recipient["currency"], store=False)
    except ValidationFailed:
        raise validation_error([field_error("recipientId", "Unsupported currency corridor")]) from None
    fee, fee_rate = await corridors.fee_of(sandbox, "remittance", amount)
    receive = corridors.receive_amount(amount, recipient["currency"], fx.rate)
    return DropDisclosure(
        amount=render.amount(amount, NOK),
        fee=render.amount(fee, NOK),
        fee_percentage=render.percent(fee_rate),
        exchange_rate=render.rate(fx.rate),
        receive_amount=render.amount(receive, recipient["currency"]),
        receive_currency=recipient["currency"],
        estimated_delivery=corridors.eta_for(recipient["country"]),
        total_cost=render.amount(amount + fee, NOK),
    )
