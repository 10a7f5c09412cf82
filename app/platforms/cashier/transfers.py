"""P2P transfers (by the recipient's numeric Cashier user id) and conversions (FX, to oneself or another user).

Both post one balanced journal: principal, the platform fee from the fee table, and for a
conversion the two FX legs through the sandbox's FX position accounts at ``fx_rate_id``.
An optional ``idempotency_key`` in ``data`` makes a retried request return the first result
without moving money twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import InsufficientFunds
from app.core.events import Event
from app.core.ledger.models import Leg
from app.core.money import convert, parse_amount
from app.core.numbers import strict_int
from app.platforms.cashier import render, schemas
from app.platforms.cashier.errors import ACCOUNT_NOT_FOUND, CashierError
from app.platforms.cashier.session import Session, settled
from app.platforms.cashier.wallets import currency_of, insufficient_balance, wallet_in


@dataclass(frozen=True, slots=True)
class Moved:
    """A posted transfer or conversion: its journal, the principal, what arrived, the fee charged and the rate."""

    journal: Any
    amount: int
    currency: str
    fee: int
    converted: int = 0
    dest_currency: str = ""
    rate: Any = None


async def _recipient(session: Session, value: str | int) -> int:
    user_id = strict_int(value if isinstance(value, int) else value.strip())
    if user_id is None:
        raise CashierError("to_user_id must be a numeric user id")
    if user_id == session.user_id:
        raise CashierError("cannot transfer to yourself")
    user = await session.sandbox.identity.get_user(user_id)
    if user is None or user.status in {"deleted", "suspended", "locked"}:
        raise CashierError("recipient not found")
    return user_id


def _key(session: Session, kind: str, client_key: str | None) -> str | None:
    if client_key is None or not client_key.strip():
        return None
    return f"cashier:{kind}:{session.user_id}:{client_key.strip()[:200]}"


async def _source(session: Session, currency: str) -> Any:
    source = await wallet_in(session, currency)
    if source is None:
        raise CashierError(ACCOUNT_NOT_FOUND)
    return source


async def _post(session: Session, source: Any, kind: str, legs: list[Leg], **options: Any) -> tuple[Any, int]:
    """Post the journal (``insufficient balance: available ...`` when the source cannot pay) and its fee."""
    try:
        journal = await session.sandbox.ledger.post(kind, legs, **options)
    except InsufficientFunds:
        raise await insufficient_balance(session, source.id) from None
    return journal, sum(e.amount for e in journal.entries if e.kind == "fee" and e.side == "DR_CR_CREDIT")


def _publish(session: Session, type_: str, data: dict[str, Any], user_id: int, *also: int) -> None:
    session.publish_after_reply(Event(type_, data, user_id=user_id, platform="cashier", also_users=also))


async def transfer(session: Session, req: schemas.Transfer) -> Moved:
    """Move the amount to the recipient's wallet in that currency (opened if need be), fee on top."""
    ledger = session.sandbox.ledger
    currency = currency_of(req.currency)
    minor = parse_amount(req.amount, currency)
    to_user_id = await _recipient(session, req.to_user_id)
    source = await _source(session, currency)
    target = await ledger.open_account("user", to_user_id, currency)
    quote = await settled(ledger.fees.quote("cashier", "transfer", currency, minor))
    description = req.description.strip() or f"Transfer to user {to_user_id}"
    credit_description = req.description.strip() or f"Transfer from user {session.user_id}"
    legs = [
        Leg(
            source.id,
            target.id,
            minor,
            description=description,
            debit_description=description,
            credit_description=credit_description,
        )
    ]
    if quote.fee > 0:
        fees = await ledger.system_account("fees", currency)
        legs.append(Leg(source.id, fees.id, quote.fee, kind="fee", description="Transfer fee"))
    journal, fee = await _post(
        session,
        source,
        "TRANSACTION_TYPE_TRANSFER",
        legs,
        description=description,
        idempotency_key=_key(session, "transfer", req.idempotency_key),
        metadata={"platform": "cashier", "from_user": session.user_id, "to_user": to_user_id},
    )
    if not journal.replayed:
        moved = render.transfer_completed(journal, minor, currency, source.number, target.number, fee, currency)
        _publish(session, "transfer_completed", moved, session.user_id, to_user_id)
        for user_id, account_id, charged in ((session.user_id, source.id, fee), (to_user_id, target.id, 0)):
            completed = render.transaction_completed(journal, account_id, "transfer", minor, charged, currency)
            _publish(session, "transaction_completed", completed, user_id)
    return Moved(journal, minor, currency, fee)


async def _rate(session: Session, key: str | None, source_currency: str, dest_currency: str) -> Any:
    """The FX rate to convert at: a retry (same idempotency key) converts at the first request's rate."""
    fx = session.sandbox.ledger.fx
    previous = await session.sandbox.ledger.journal_by_key(key) if key is not None else None
    if previous is not None and isinstance(previous.metadata.get("fx_rate_id"), int):
        return await fx.quote(previous.metadata["fx_rate_id"])
    return await settled(fx.rate(source_currency, dest_currency))


async def convert_and_transfer(session: Session, req: schemas.ConvertAndTransfer) -> Moved:
    """Convert the amount into the other currency, into the caller's own wallet or another user's."""
    ledger = session.sandbox.ledger
    source_currency = currency_of(req.from_currency, "from_currency")
    dest_currency = currency_of(req.to_currency, "to_currency")
    if source_currency == dest_currency:
        raise CashierError("from_currency and to_currency must differ")
    minor = parse_amount(req.amount, source_currency)
    to_user_id = session.user_id if req.to_user_id is None else await _recipient(session, req.to_user_id)
    source = await _source(session, source_currency)
    target = await ledger.open_account("user", to_user_id, dest_currency)
    key = _key(session, "convert", req.idempotency_key)
    rate = await _rate(session, key, source_currency, dest_currency)
    converted = convert(minor, source_currency, dest_currency, rate.rate)
    if converted <= 0:
        raise CashierError("amount is too small to convert")
    quote = await settled(ledger.fees.quote("cashier", "conversion", source_currency, minor))
    fx_out = await ledger.system_account("fx", source_currency)
    fx_in = await ledger.system_account("fx", dest_currency)
    description = req.description.strip() or f"Convert {source_currency} to {dest_currency}"
    legs = [
        Leg(source.id, fx_out.id, minor, kind="fx", description=description),
        Leg(fx_in.id, target.id, converted, kind="fx", description=description),
    ]
    if quote.fee > 0:
        fees = await ledger.system_account("fees", source_currency)
        legs.append(Leg(source.id, fees.id, quote.fee, kind="fee", description="Conversion fee"))
    metadata = {"platform": "cashier", "fx_rate_id": rate.id, "fx_rate": str(rate.rate), "to_user": to_user_id}
    journal, fee = await _post(
        session,
        source,
        "TRANSACTION_TYPE_CONVERSION",
        legs,
        description=description,
        idempotency_key=key,
        metadata=metadata,
    )
    if not journal.replayed:
        completed = render.transaction_completed(journal, source.id, "conversion", minor, fee, source_currency)
        _publish(session, "transaction_completed", completed, session.user_id)
        if to_user_id != session.user_id:
            moved = render.transfer_completed(
                journal, converted, dest_currency, source.number, target.number, fee, source_currency
            )
            _publish(session, "transfer_completed", moved, session.user_id, to_user_id)
    return Moved(journal, minor, source_currency, fee, converted, dest_currency, rate)
