"""Deposit requests: creating, reading and cancelling one (settlement: ``deposit_settlement``).

A deposit is a row in ``cashier_deposits`` plus a simulated partner operation (kind
``cashier.deposit``). When the partner confirms, ``settle_deposit`` posts partner float ->
user wallet (the fee to the platform fee account) and pushes ``deposit_completed`` and
``transaction_completed``; when it fails, ``deposit_failed`` and ``transaction_failed``.
A request the partner never confirms expires at ``expires_at`` (30 minutes, sandbox clock).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.errors import DomainError, NotFound
from app.core.money import parse_amount
from app.core.scheduler import schedule_in
from app.platforms.cashier import schemas, store
from app.platforms.cashier.deposit_settlement import EXPIRE_JOB, KIND, PENDING, cancel_operation
from app.platforms.cashier.errors import TRANSACTION_NOT_FOUND, CashierError
from app.platforms.cashier.session import Session, settled
from app.platforms.cashier.wallets import currency_of

log = logging.getLogger("paysandbox.cashier")

DEPOSIT_TTL = 30 * 60


async def _choose_partner(sandbox: Any, partner_id: str | None, service: str | None, currency: str) -> Any:
    partners = sandbox.simulators.partners
    if partner_id:
        partner = await settled(partners.get(partner_id.strip()))
        if partner is None:
            raise CashierError("partner not found")
        if currency not in partner.currencies:
            raise CashierError(f"partner {partner.id} does not support {currency}")
        if partner.status != "active":
            raise CashierError(f"partner {partner.id} is not active")
        return partner
    if not service:
        raise CashierError("service is required when partner_id is not given")
    try:
        return await settled(partners.select(service, currency))
    except NotFound:
        raise CashierError(f"no partner available for {service} in {currency}") from None


@dataclass(frozen=True, slots=True)
class NewDeposit:
    """A deposit request just sent to its partner."""

    ref: str
    partner: Any
    amount: int
    currency: str
    expires_at: float


async def create_deposit(session: Session, req: schemas.DepositRequest) -> NewDeposit:
    """Record the request (``sent_to_partner``, expiring in 30 minutes) and start the partner's operation."""
    sandbox = session.sandbox
    currency = currency_of(req.currency)
    minor = parse_amount(req.amount, currency)
    service = (req.service or "").strip().lower() or None
    partner = await _choose_partner(sandbox, req.partner_id, service, currency)
    quote = await settled(sandbox.ledger.fees.quote("cashier", "deposit", currency, minor))
    if quote.fee >= minor:
        raise CashierError("amount is too small to cover the deposit fee")
    now = session.now()
    expires_at = now + DEPOSIT_TTL
    values = {
        "user_id": session.user_id,
        "partner_id": partner.id,
        "partner_name": partner.name,
        "service": service or partner.service,
        "payment_method": (req.payment_method or "").strip() or (service or partner.service),
        "amount": minor,
        "currency": currency,
        "fee": quote.fee,
        "status": PENDING,
        "created_at": now,
        "expires_at": expires_at,
        "updated_at": now,
    }
    ref = await _record(sandbox, values, now)
    await _send_to_partner(sandbox, ref, values, now)
    return NewDeposit(ref, partner, minor, currency, expires_at)


async def _record(sandbox: Any, values: dict[str, Any], now: float) -> str:
    """Insert the request under the day's next reference and schedule its expiry, in one write."""

    def create(conn: sqlite3.Connection) -> str:
        ref = store.next_ref_in(conn, store.DEPOSITS, now)
        store.insert_in(conn, store.DEPOSITS, {"request_ref": ref, **values})
        schedule_in(conn, EXPIRE_JOB, values["expires_at"], {"request_ref": ref}, now=now, ref=f"{ref}:expire")
        return ref

    ref: str = await sandbox.db.write(create)
    return ref


async def _send_to_partner(sandbox: Any, ref: str, values: dict[str, Any], now: float) -> None:
    """Start the partner's operation; when it cannot start, the request is ``failed`` and the caller told so."""
    minor, currency, partner_id = values["amount"], values["currency"], values["partner_id"]
    try:
        await sandbox.simulators.operations.start(
            KIND,
            ref,
            simulator=f"partner:{partner_id}",
            user_id=values["user_id"],
            amount=minor,
            currency=currency,
            inputs={"amount": minor, "currency": currency, "service": values["service"], "partner_id": partner_id},
            payload={"request_ref": ref},
        )
    except Exception as exc:
        reason = exc.message if isinstance(exc, DomainError) else "partner unavailable"
        await sandbox.db.write(
            lambda c: store.update_if_in(
                c, store.DEPOSITS, ref, PENDING, {"status": "failed", "error_message": reason, "updated_at": now}
            )
        )
        raise CashierError(f"deposit could not be sent to partner: {reason}") from None


async def own_deposit(session: Session, request_ref: str) -> dict[str, Any]:
    """The caller's deposit request row; someone else's is "transaction not found" too."""
    row = await store.get(session.sandbox.db, store.DEPOSITS, request_ref.strip())
    if row is None or row["user_id"] != session.user_id:
        raise CashierError(TRANSACTION_NOT_FOUND)
    return row


async def cancel_deposit(session: Session, request_ref: str) -> None:
    """Cancel the caller's pending deposit: its expiry and its partner operation are withdrawn."""
    sandbox = session.sandbox
    row = await own_deposit(session, request_ref)
    now = session.now()
    ref = row["request_ref"]
    changed = await sandbox.db.write(
        lambda c: store.update_if_in(c, store.DEPOSITS, ref, PENDING, {"status": "cancelled", "updated_at": now})
    )
    if not changed:
        current = await store.get(sandbox.db, store.DEPOSITS, ref)
        status = current["status"] if current else row["status"]
        raise CashierError(f"deposit cannot be cancelled: status is {status}")
    await sandbox.scheduler.cancel(f"{ref}:expire")
    await cancel_operation(sandbox, ref, "cancelled by user")
