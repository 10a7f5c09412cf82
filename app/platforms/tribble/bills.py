"""Bill payments: airtime providers, top-up (wallet debit or card charge), top-up history.

A wallet top-up posts wallet -> settlement (paid out to the provider) atomically with the
top-up row; the provider simulator (``airtime:<providerId>``) then confirms it or fails it, and a
failure posts the money back to the wallet. A card top-up charges the card outside the ledger
(card -> provider), so it posts nothing. Magic phone numbers that fail up front
(``08000000000``, ``08000000001``) are refused with TRANSACTION_FAILED before anything is posted.
"""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace
from typing import Any

from app.core.errors import DomainError, InsufficientFunds, NotFound
from app.core.identity.models import Principal
from app.core.ledger.models import Account, Journal, Leg
from app.core.money import parse_amount
from app.platforms.tribble import payment_methods, wallets
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import account_id_of_wallet, amount, wallet_id
from app.platforms.tribble.schemas import (
    TopupIn,
)
from app.platforms.tribble.store import bills as store
from app.runtime import Sandbox
from simulators.airtime import AirtimeProvider

TOPUP_KIND = "tribble.airtime"


async def validated_topup(sandbox: Sandbox, data: TopupIn) -> tuple[str, AirtimeProvider, int, str]:
    """(the provider id asked, the provider, the amount in minor units, the phone number) of a valid top-up."""
    provider_id = data.provider_id.strip().lower()
    provider = await sandbox.simulators.airtime.get(provider_id)
    if provider is None:
        raise TribbleError(
            "NOT_FOUND", "Airtime provider not found", {"field": "providerId", "providerId": provider_id}
        )
    try:
        minor = parse_amount(data.amount, provider.currency)
    except DomainError as exc:
        raise invalid_amount("amount", exc) from None
    phone = data.phone_number.strip()
    try:
        await sandbox.simulators.airtime.validate_topup(provider_id, phone, minor)
    except NotFound:
        raise TribbleError("NOT_FOUND", "Airtime provider not found", {"field": "providerId"}) from None
    except DomainError as exc:
        field = {"invalid_phone": "phoneNumber", "invalid_amount": "amount"}.get(exc.code, "providerId")
        raise invalid(field, exc.message) from None
    return provider_id, provider, minor, phone


async def payment_source(
    sandbox: Sandbox, caller: Principal, ref: str | None, currency: str
) -> tuple[Account | None, Any]:
    """(wallet, None) for a wallet in the provider's currency, (None, card row) for a card."""
    if ref is None or ref == "wallet" or account_id_of_wallet(ref) is not None:
        if ref is not None and ref != "wallet":
            wallet = await wallets.owned_wallet(sandbox, caller, ref, "paymentMethodId")
        else:
            wallet = await wallets.wallet_in_currency(sandbox, caller.user.id, currency)
        if wallet is None or wallet.currency != currency:
            raise TribbleError(
                "UNPROCESSABLE_ENTITY", f"Airtime is paid from a {currency} wallet", {"field": "paymentMethodId"}
            )
        return wallet, None
    method = await payment_methods.owned_method(sandbox, caller.user.id, ref)
    if method["type"] != "card":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY", "Airtime is paid from the wallet or a card", {"field": "paymentMethodId"}
        )
    payment_methods.ensure_usable(sandbox, method)
    return None, method


def refuse_magic_failure(sandbox: Sandbox, provider: AirtimeProvider, provider_id: str, phone: str, minor: int) -> None:
    """TRANSACTION_FAILED up front for the magic numbers that fail (nothing is posted)."""
    rule = sandbox.simulators.magic.evaluate(provider.simulator, {"phone": phone, "amount": minor})
    if rule is not None and rule.outcome == "failure":
        raise TribbleError(
            "TRANSACTION_FAILED",
            rule.error_message or "Airtime top-up failed",
            {"providerId": provider_id, "phoneNumber": phone},
            headers={"X-Sandbox-Explain": rule.explain} if rule.explain else None,
        )


async def record_topup(
    sandbox: Sandbox, provider: AirtimeProvider, wallet: Account | None, values: tuple[Any, ...], minor: int, phone: str
) -> None:
    """A wallet top-up posts wallet -> settlement with its row; a card top-up only stores the row."""
    if wallet is None:
        await sandbox.db.write(lambda conn: store.insert_topup(conn, values, None))
        return
    topup_id, currency = values[0], provider.currency
    settlement = await sandbox.ledger.system_account("settlement", currency)

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        store.insert_topup(conn, values, journal.id)

    try:
        await sandbox.ledger.post(
            "TRANSACTION_TYPE_PAYMENT",
            [Leg(wallet.id, settlement.id, minor, description=f"Airtime {provider.name} {phone}")],
            description=f"Tribble airtime top-up {topup_id}",
            idempotency_key=f"tribble:topup:{topup_id}",
            metadata={"platform": "tribble", "topupId": topup_id, "provider": values[2]},
            on_posted=on_posted,
        )
    except InsufficientFunds as exc:
        raise TribbleError(
            "INSUFFICIENT_FUNDS",
            "Wallet has insufficient funds",
            {
                "walletId": wallet_id(wallet.id),
                "available": amount(int(exc.details.get("available", 0)), currency),
                "required": amount(minor, currency),
            },
        ) from None


async def start_provider(
    sandbox: Sandbox, provider: AirtimeProvider, topup_id: str, user_id: int, method: Any, minor: int, phone: str
) -> Any:
    """Start the provider operation; a top-up whose operation cannot start is failed (money back)."""
    inputs: dict[str, Any] = {"phone": phone, "amount": minor}
    if method is not None:
        inputs["card_token"] = method["card_token"]
    try:
        return await sandbox.simulators.operations.start(
            TOPUP_KIND,
            topup_id,
            simulator=provider.simulator,
            user_id=user_id,
            amount=minor,
            currency=provider.currency,
            inputs=inputs,
        )
    except Exception:
        # Never leave the wallet debited without a provider operation: post the money back.
        await settle_topup(
            sandbox,
            SimpleNamespace(ref=topup_id),
            SimpleNamespace(status="failed", succeeded=False, error_message="Airtime provider unavailable"),
        )
        raise


async def settle_topup(sandbox: Sandbox, op: Any, outcome: Any) -> None:
    row = await sandbox.db.read(lambda conn: store.topup_by_id(conn, op.ref))
    if row is None or row["status"] == "FAILED" or row["completed_at"] is not None:
        return
    now = sandbox.clock.time()
    if outcome.succeeded:
        await sandbox.db.write(lambda conn: store.complete_topup(conn, op.ref, now))
        return
    reason = outcome.error_message or "Airtime top-up failed"
    if row["wallet_account_id"] is None:
        await sandbox.db.write(lambda conn: store.fail_topup(conn, op.ref, reason, now))
        return
    settlement = await sandbox.ledger.system_account("settlement", row["currency"])

    def done(conn: sqlite3.Connection, journal: Journal) -> None:
        store.fail_topup(conn, op.ref, reason, now)

    await sandbox.ledger.post(
        "TRANSACTION_TYPE_REVERSAL",
        [Leg(settlement.id, int(row["wallet_account_id"]), int(row["amount"]), description=f"Airtime refund {op.ref}")],
        description=f"Tribble airtime top-up {op.ref} failed: refunded",
        idempotency_key=f"op:{op.ref}:{outcome.status}",
        metadata={"platform": "tribble", "topupId": op.ref},
        on_posted=done,
    )
