"""Withdrawal requests: a direct (partner) or agent-assisted withdrawal (settlement: ``withdrawal_settlement``).

A withdrawal needs a single-use verification token of purpose ``withdrawal``. The amount plus
the withdrawal fee is held on the wallet while the request is ``processing`` (it shows in
``pending_debit``) and a simulated partner/agent operation (kind ``cashier.withdrawal``) decides
the outcome on the sandbox clock.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.core.errors import DomainError, NotFound
from app.core.ledger.holds import place_hold_in
from app.core.money import apply_rate, parse_amount
from app.platforms.cashier import schemas, store
from app.platforms.cashier.errors import (
    ACCOUNT_NOT_FOUND,
    TOKEN_INVALID,
    TOKEN_REQUIRED,
    CashierError,
)
from app.platforms.cashier.session import Session, settled
from app.platforms.cashier.wallets import currency_of, insufficient_balance, owner_account_id, wallet_in
from app.platforms.cashier.withdrawal_settlement import KIND, PENDING, release

log = logging.getLogger("paysandbox.cashier")

PURPOSE = "withdrawal"


async def _agent(sandbox: Any, agent_id: str, currency: str) -> tuple[Any, Any]:
    agent = await settled(sandbox.simulators.agents.get(agent_id.strip()))
    if agent is None:
        raise CashierError("agent not found")
    if getattr(agent, "status", "active") != "active":
        raise CashierError(f"agent {agent.id} is not active")
    account_id = owner_account_id(agent, currency)
    if account_id is None:
        raise CashierError(f"agent {agent.id} does not support {currency}")
    account = await sandbox.ledger.get_account(account_id)
    if account is None:
        raise CashierError(f"agent {agent.id} does not support {currency}")
    return agent, account


async def _partner(sandbox: Any, service: str | None, currency: str) -> Any | None:
    partners = sandbox.simulators.partners
    if service:
        try:
            return await settled(partners.select(service, currency))
        except NotFound:
            raise CashierError(f"no partner available for {service} in {currency}") from None
    candidates = await settled(partners.list(currency=currency))
    active = [p for p in candidates if p.status == "active"]
    return active[0] if active else None


@dataclass(frozen=True, slots=True)
class NewWithdrawal:
    """A withdrawal request just held and handed to its partner or agent: its reference and row values."""

    ref: str
    values: dict[str, Any]


async def create_withdrawal(session: Session, req: schemas.WithdrawRequest) -> NewWithdrawal:
    """Check the request, spend the verification token, hold amount + fee and start the payout operation."""
    sandbox = session.sandbox
    currency = currency_of(req.currency)
    minor = parse_amount(req.amount, currency)
    destination = req.destination.strip()
    if not destination:
        raise CashierError("destination is required")
    token = (req.verification_token or "").strip()
    if not token:
        raise CashierError(TOKEN_REQUIRED)
    wallet = await wallet_in(session, currency)
    if wallet is None:
        raise CashierError(ACCOUNT_NOT_FOUND)
    agent, agent_account = (None, None)
    if req.agent_id and req.agent_id.strip():
        agent, agent_account = await _agent(sandbox, req.agent_id, currency)
    service = (req.service or "").strip().lower() or None
    partner = None if agent is not None else await _partner(sandbox, service, currency)
    quote = await settled(sandbox.ledger.fees.quote("cashier", PURPOSE, currency, minor))
    commission = apply_rate(minor, agent.commission_rate) if agent is not None else 0
    total = minor + quote.fee
    await _check_funds(session, wallet.id, total)
    await _spend_token(session, token)
    now = session.now()
    values: dict[str, Any] = {
        "user_id": session.user_id,
        "account_id": wallet.id,
        "amount": minor,
        "currency": currency,
        "fee": quote.fee,
        "destination": destination,
        "service": service or (partner.service if partner is not None else None),
        "partner_id": partner.id if partner is not None else None,
        "withdrawal_type": "agent_assisted" if agent is not None else "direct",
        "agent_id": agent.id if agent is not None else None,
        "agent_name": agent.name if agent is not None else None,
        "agent_account": agent_account.number if agent_account is not None else None,
        "agent_commission": commission,
        "status": PENDING,
        "created_at": now,
        "updated_at": now,
    }
    ref = await _hold(sandbox, values, total, now)
    await _start_payout(sandbox, ref, values, _simulator(agent, partner))
    return NewWithdrawal(ref, values)


async def _check_funds(session: Session, wallet_id: int, total: int) -> None:
    fresh = await session.sandbox.ledger.balance(wallet_id)
    if fresh.is_locked:
        raise CashierError("account is locked")
    if not fresh.is_active:
        raise CashierError("account is inactive")
    if fresh.available < total:
        raise await insufficient_balance(session, wallet_id)


async def _spend_token(session: Session, token: str) -> None:
    """Consume the single-use ``withdrawal`` verification token (an unknown or used one: ``TOKEN_INVALID``)."""
    try:
        await session.sandbox.identity.consume_verification_token(session.user_id, PURPOSE, token)
    except DomainError as exc:
        if exc.code in {"invalid_verification_token", "not_found", "token_expired"}:
            raise CashierError(TOKEN_INVALID) from None
        raise


async def _hold(sandbox: Any, values: dict[str, Any], total: int, now: float) -> str:
    """Hold ``total`` on the wallet and insert the request under the day's next reference, in one write."""
    wallet_id = values["account_id"]

    def create(conn: sqlite3.Connection) -> str:
        ref = store.next_ref_in(conn, store.WITHDRAWALS, now)
        hold = place_hold_in(conn, now, wallet_id, total, reference=ref, idempotency_key=f"cashier:{ref}:hold")
        store.insert_in(conn, store.WITHDRAWALS, {"request_ref": ref, "hold_id": hold.id, **values})
        return ref

    ref: str = await sandbox.db.write(create)
    return ref


def _simulator(agent: Any | None, partner: Any | None) -> str:
    if agent is not None:
        return f"agent:{agent.id}"
    if partner is not None:
        return f"partner:{partner.id}"
    return "partner"


async def _start_payout(sandbox: Any, ref: str, values: dict[str, Any], simulator: str) -> None:
    """Start the partner's or agent's operation; when it cannot start, the hold is released and the caller told."""
    minor, currency, destination = values["amount"], values["currency"], values["destination"]
    try:
        await sandbox.simulators.operations.start(
            KIND,
            ref,
            simulator=simulator,
            user_id=values["user_id"],
            amount=minor,
            currency=currency,
            inputs={"amount": minor, "currency": currency, "destination": destination, "phone": destination},
            payload={"request_ref": ref},
        )
    except Exception as exc:
        reason = exc.message if isinstance(exc, DomainError) else "partner unavailable"
        row = await store.get(sandbox.db, store.WITHDRAWALS, ref)
        if row is not None:
            await release(sandbox, row, reason)
        raise CashierError(f"withdrawal could not be processed: {reason}") from None
