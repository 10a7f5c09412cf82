"""Fixture items of Cashier: ``cashier_deposits`` and ``cashier_withdrawals``, in a chosen state.

Each is made by the domain function a socket's ``deposit_request`` / ``withdraw_request`` runs
(``create_deposit`` / ``create_withdrawal``), for the user, with the partner operation held
``pending`` by the operations simulator (whatever the amount's magic ending or the partner's
settings): a deposit *awaiting the partner*, a withdrawal *processing* with its funds held.
``completed`` and ``failed`` then settle the operation as
``/_sandbox/operations/{ref}/complete|fail`` does: the same postings and pushes as a real partner
callback. A withdrawal's verification token comes from an email OTP the fixture verifies (the
code lands in the inbox, as for a client). A pending deposit still expires 30 minutes later on the
sandbox clock, as Cashier's do (freeze the clock in the document to keep it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from app.core import fixture_kinds
from app.core.errors import DomainError, NotFound, ValidationFailed
from app.core.fixture_kinds import Built, Declared, FixtureKind, Issue, Ref
from app.core.ledger.postings import MAX_MINOR
from app.core.money import format_amount, normalize_currency
from app.platforms.cashier import schemas, store
from app.platforms.cashier.connections import Connection
from app.platforms.cashier.deposits import create_deposit
from app.platforms.cashier.errors import CashierError
from app.platforms.cashier.session import Session, settled
from app.platforms.cashier.withdrawals import create_withdrawal
from simulators.operations import held_pending

if TYPE_CHECKING:
    from app.core.identity.models import User
    from app.runtime import Sandbox

Amount = Annotated[int, msgspec.Meta(gt=0, le=MAX_MINOR, description="minor units")]
Currency = Annotated[str, msgspec.Meta(min_length=3, max_length=3)]


class Deposit(msgspec.Struct, forbid_unknown_fields=True):
    user: str  # "@user"
    amount: Amount
    currency: Currency
    service: str | None = None  # mpesa, paypal, bank_transfer, ... (default bank_transfer)
    partner_id: str | None = None  # or one partner, e.g. PTN-001
    state: Literal["awaiting_partner", "completed", "failed"] = "awaiting_partner"


class Withdrawal(msgspec.Struct, forbid_unknown_fields=True):
    user: str  # "@user"; their wallet in the currency pays amount + fee
    amount: Amount
    currency: Currency
    destination: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    service: str | None = None
    agent_id: str | None = None
    state: Literal["processing", "completed", "failed"] = "processing"


def _session(sandbox: Sandbox, user: User) -> Session:
    async def nowhere(_: str) -> None:  # nothing is sent: the fixture reads the reply itself
        return None

    return Session(sandbox, user, Connection(user.id, nowhere))


def _domain(exc: CashierError) -> DomainError:
    return ValidationFailed(f"Cashier refused: {exc.message}", code="cashier_refused")


async def _settle(sandbox: Sandbox, ref: str, state: str, pending: str, failure: str) -> None:
    if state == pending:
        return
    status = "completed" if state == "completed" else "failed"
    await sandbox.simulators.operations.settle(ref, status, failure if status == "failed" else None)


async def _check_deposit(item: Deposit, doc: Declared) -> list[Issue]:
    try:
        currency = normalize_currency(item.currency)
    except DomainError as exc:
        return [("currency", exc.message)]
    partners = doc.sandbox.simulators.partners
    if item.partner_id:
        partner = await settled(partners.get(item.partner_id))
        if partner is None:
            return [("partner_id", f"no partner {item.partner_id}")]
        if currency not in partner.currencies:
            return [("partner_id", f"{partner.id} does not take {currency} (it takes {', '.join(partner.currencies)})")]
        return []
    try:
        await settled(partners.select(item.service or "bank_transfer", currency))
    except NotFound as exc:
        return [("service", exc.message)]
    return []


async def _apply_deposit(name: str, item: Deposit, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    currency = normalize_currency(item.currency)
    request = schemas.DepositRequest(
        amount=format_amount(item.amount, currency),
        currency=currency,
        service=None if item.partner_id else (item.service or "bank_transfer"),
        partner_id=item.partner_id,
    )
    try:
        with held_pending(f"fixture {name}: the partner has not answered yet"):
            ref = (await create_deposit(_session(sandbox, await built.user(item.user)), request)).ref
    except CashierError as exc:
        raise _domain(exc) from None
    await _settle(sandbox, ref, item.state, "awaiting_partner", "Transaction rejected by partner")
    row = await store.get(sandbox.db, store.DEPOSITS, ref)
    return {"cashier": {"request_ref": ref, "status": row["status"] if row else None}, "operation": ref}


async def _check_withdrawal(item: Withdrawal, doc: Declared) -> list[Issue]:
    try:
        currency = normalize_currency(item.currency)
    except DomainError as exc:
        return [("currency", exc.message)]
    _, user = doc.declared(item.user)
    declared = [b.amount for b in user.balances if b.currency.upper() == currency and (b.platform or "") != "drop"]
    if not declared:
        existing = await doc.sandbox.identity.by_email(user.email)
        accounts = await doc.sandbox.ledger.accounts_of("user", existing.id) if existing else []
        declared = [a.available for a in accounts if a.currency == currency and a.purpose == "ACCOUNT_PURPOSE_WALLET"]
    fee = (await doc.sandbox.ledger.fees.quote("cashier", "withdrawal", currency, item.amount)).fee
    if not declared or declared[0] < item.amount + fee:
        have = format_amount(declared[0], currency) if declared else "no wallet"
        return [
            (
                "amount",
                f"{item.user} pays {format_amount(item.amount + fee, currency)} {currency} (fee included) "
                f"but holds {have}: give the user a {currency} balance",
            )
        ]
    return []


async def _apply_withdrawal(name: str, item: Withdrawal, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    user = await built.user(item.user)
    currency = normalize_currency(item.currency)
    challenge = await sandbox.identity.start_otp(user.id, "withdrawal", "email")
    token = await sandbox.identity.verify_otp(user.id, "withdrawal", challenge.code, challenge_id=challenge.id)
    request = schemas.WithdrawRequest(
        amount=format_amount(item.amount, currency),
        currency=currency,
        destination=item.destination,
        service=item.service,
        agent_id=item.agent_id,
        verification_token=token.token,
    )
    try:
        with held_pending(f"fixture {name}: the withdrawal is processing"):
            ref = (await create_withdrawal(_session(sandbox, user), request)).ref
    except CashierError as exc:
        raise _domain(exc) from None
    await _settle(sandbox, ref, item.state, "processing", "Payment timeout")
    row = await store.get(sandbox.db, store.WITHDRAWALS, ref)
    return {"cashier": {"request_ref": ref, "status": row["status"] if row else None}, "operation": ref}


def install(sandbox: Sandbox) -> None:
    fixture_kinds.register(
        sandbox,
        FixtureKind(
            section="cashier_deposits",
            platform="cashier",
            order=40,
            summary="a Cashier deposit request: awaiting_partner (pending), completed or failed",
            item=Deposit,
            apply=_apply_deposit,
            refs=(Ref("user", ("users",)),),
            check=_check_deposit,
        ),
        FixtureKind(
            section="cashier_withdrawals",
            platform="cashier",
            order=45,
            summary="a Cashier withdrawal: processing (funds held), completed or failed",
            item=Withdrawal,
            apply=_apply_withdrawal,
            refs=(Ref("user", ("users",)),),
            check=_check_withdrawal,
        ),
    )
