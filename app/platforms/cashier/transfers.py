"""transfer (P2P by the recipient's numeric Cashier user id) and convert_and_transfer (FX).

Both post one balanced journal: principal, the platform fee from the fee table, and for a
conversion the two FX legs through the sandbox's FX position accounts at ``fx_rate_id``.
An optional ``idempotency_key`` in ``data`` makes a retried request return the first result
without moving money twice.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import InsufficientFunds
from app.core.events import Event
from app.core.ledger.models import Leg
from app.core.money import convert, parse_amount
from app.core.numbers import strict_int
from app.platforms.cashier import render, schemas
from app.platforms.cashier.errors import ACCOUNT_NOT_FOUND, CashierError
from app.platforms.cashier.session import Reply, Session, settled
from app.platforms.cashier.wallets import currency_of, insufficient_balance, wallet_in


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


def _transaction_completed(journal: Any, account_id: int, kind: str, amount: int, fee: int, currency: str) -> dict:
    entries = journal.entries_of(account_id)
    balance_after = entries[-1].balance_after if entries else 0
    return {
        "receipt_code": journal.receipt_code,
        "transaction_id": journal.id,
        "transaction_type": kind,
        "amount": render.amount(amount, currency),
        "currency": currency,
        "balance_after": render.amount(balance_after, entries[-1].currency if entries else currency),
        "fee": render.amount(fee, currency),
        "timestamp": int(journal.created_at),
    }


async def transfer(session: Session, req: schemas.Transfer) -> Reply:
    sandbox = session.sandbox
    ledger = sandbox.ledger
    currency = currency_of(req.currency)
    minor = parse_amount(req.amount, currency)
    to_user_id = await _recipient(session, req.to_user_id)
    source = await wallet_in(session, currency)
    if source is None:
        raise CashierError(ACCOUNT_NOT_FOUND)
    target = await ledger.open_account("user", to_user_id, currency)
    quote = await settled(ledger.fees.quote("cashier", "transfer", currency, minor))
    description = req.description.strip() or f"Transfer to user {to_user_id}"
    legs = [
        Leg(
            source.id,
            target.id,
            minor,
            description=description,
            debit_description=description,
            credit_description=req.description.strip() or f"Transfer from user {session.user_id}",
        )
    ]
    if quote.fee > 0:
        fees = await ledger.system_account("fees", currency)
        legs.append(Leg(source.id, fees.id, quote.fee, kind="fee", description="Transfer fee"))
    try:
        journal = await ledger.post(
            "TRANSACTION_TYPE_TRANSFER",
            legs,
            description=description,
            idempotency_key=_key(session, "transfer", req.idempotency_key),
            metadata={"platform": "cashier", "from_user": session.user_id, "to_user": to_user_id},
        )
    except InsufficientFunds:
        raise await insufficient_balance(session, source.id) from None
    fee = sum(e.amount for e in journal.entries if e.kind == "fee" and e.side == "DR_CR_CREDIT")
    if not journal.replayed:
        stamp = int(journal.created_at)
        session.publish_after_reply(
            Event(
                "transfer_completed",
                {
                    "receipt_code": journal.receipt_code,
                    "transaction_id": journal.id,
                    "amount": render.amount(minor, currency),
                    "currency": currency,
                    "from_account": source.number,
                    "to_account": target.number,
                    "fee": render.amount(fee, currency),
                    "timestamp": stamp,
                },
                user_id=session.user_id,
                platform="cashier",
                also_users=(to_user_id,),
            )
        )
        for user_id, account_id, charged in ((session.user_id, source.id, fee), (to_user_id, target.id, 0)):
            session.publish_after_reply(
                Event(
                    "transaction_completed",
                    _transaction_completed(journal, account_id, "transfer", minor, charged, currency),
                    user_id=user_id,
                    platform="cashier",
                )
            )
    return Reply(
        "transfer completed",
        {
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "amount": render.amount(minor, currency),
            "fee": render.amount(fee, currency),
            "agent_commission": render.amount(0, currency),
            "created_at": render.when(journal.created_at),
        },
    )


async def convert_and_transfer(session: Session, req: schemas.ConvertAndTransfer) -> Reply:
    sandbox = session.sandbox
    ledger = sandbox.ledger
    source_currency = currency_of(req.from_currency, "from_currency")
    dest_currency = currency_of(req.to_currency, "to_currency")
    if source_currency == dest_currency:
        raise CashierError("from_currency and to_currency must differ")
    minor = parse_amount(req.amount, source_currency)
    to_user_id = session.user_id if req.to_user_id is None else await _recipient(session, req.to_user_id)
    source = await wallet_in(session, source_currency)
    if source is None:
        raise CashierError(ACCOUNT_NOT_FOUND)
    target = await ledger.open_account("user", to_user_id, dest_currency)
    key = _key(session, "convert", req.idempotency_key)
    previous = await ledger.journal_by_key(key) if key is not None else None
    if previous is not None and isinstance(previous.metadata.get("fx_rate_id"), int):
        rate = await ledger.fx.quote(previous.metadata["fx_rate_id"])  # a retry converts at the first rate
    else:
        rate = await settled(ledger.fx.rate(source_currency, dest_currency))
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
    try:
        journal = await ledger.post(
            "TRANSACTION_TYPE_CONVERSION",
            legs,
            description=description,
            idempotency_key=key,
            metadata={"platform": "cashier", "fx_rate_id": rate.id, "fx_rate": str(rate.rate), "to_user": to_user_id},
        )
    except InsufficientFunds:
        raise await insufficient_balance(session, source.id) from None
    fee = sum(e.amount for e in journal.entries if e.kind == "fee" and e.side == "DR_CR_CREDIT")
    if not journal.replayed:
        session.publish_after_reply(
            Event(
                "transaction_completed",
                _transaction_completed(journal, source.id, "conversion", minor, fee, source_currency),
                user_id=session.user_id,
                platform="cashier",
            )
        )
        if to_user_id != session.user_id:
            session.publish_after_reply(
                Event(
                    "transfer_completed",
                    {
                        "receipt_code": journal.receipt_code,
                        "transaction_id": journal.id,
                        "amount": render.amount(converted, dest_currency),
                        "currency": dest_currency,
                        "from_account": source.number,
                        "to_account": target.number,
                        "fee": render.amount(fee, source_currency),
                        "timestamp": int(journal.created_at),
                    },
                    user_id=session.user_id,
                    platform="cashier",
                    also_users=(to_user_id,),
                )
            )
    return Reply(
        "conversion completed",
        {
            "receipt_code": journal.receipt_code,
            "journal_id": journal.id,
            "source_currency": source_currency,
            "dest_currency": dest_currency,
            "source_amount": render.amount(minor, source_currency),
            "converted_amount": render.amount(converted, dest_currency),
            "fx_rate": str(rate.rate),
            "fx_rate_id": rate.id,
            "fee": render.amount(fee, source_currency),
            "created_at": render.when(journal.created_at),
        },
    )
