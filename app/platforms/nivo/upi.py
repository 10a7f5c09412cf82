"""UPI deposits (Flow 7): pending at once, settled by the UPI simulator on the sandbox clock.

``start_upi_deposit`` stores the deposit and starts operation ``nivo.upi_deposit`` on the ``upi``
simulator (3-10 s by default; magic UPI ids ``fail@upi``, ``timeout@upi``, ``pending@upi``,
``success@upi``). ``settle_upi_deposit`` (registered in ``install``) credits the wallet exactly
once: the posting's idempotency key is ``op:{ref}:completed`` and the deposit row moves from
``pending`` in the same savepoint.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid

from app.core.errors import DomainError
from app.core.ledger.models import Journal, Leg
from app.core.money import exponent, parse_amount
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.movements import TxSpec, insert_transaction_in
from app.platforms.nivo.schemas import Amount
from app.platforms.nivo.store.upi import (
    complete_upi_deposit_in,
    fail_upi_deposit_in,
    insert_upi_deposit_in,
    upi_deposit_in,
)
from app.platforms.nivo.wallets import NivoWallet, get_wallet_in, require_active
from app.runtime import Sandbox
from simulators.operations import Operation, Outcome, Plan

log = logging.getLogger("paysandbox.nivo")

KIND = "nivo.upi_deposit"
MAX_UPI_AMOUNT_MAJOR = 100_000  # NPCI per-transaction cap for most UPI payments


def validate_upi_id(sandbox: Sandbox, upi_id: str) -> str:
    """``name@psp`` with a known PSP handle (the UPI simulator's rules), normalised to lower case."""
    normalised: str = sandbox.simulators.upi.normalise(upi_id)
    return normalised


async def deposit_to_wallet(
    sandbox: Sandbox, w: NivoWallet, given_upi_id: str, given_amount: Amount
) -> tuple[sqlite3.Row, Plan]:
    """``POST .../deposit/upi`` on the caller's wallet: the request's checks, then :func:`start_upi_deposit`."""
    upi_id = validate_upi_id(sandbox, given_upi_id)
    amount = parse_amount(given_amount, w.currency)
    if w.currency != "INR":
        raise NivoError("BAD_REQUEST", "UPI deposits are only available for INR wallets")
    if amount > MAX_UPI_AMOUNT_MAJOR * 10 ** exponent(w.currency):
        raise NivoError("LIMIT_EXCEEDED", f"UPI deposits are limited to {MAX_UPI_AMOUNT_MAJOR} INR per transaction")
    require_active(w)
    return await start_upi_deposit(sandbox, w, amount, upi_id)


async def deposit_of_wallet(sandbox: Sandbox, w: NivoWallet, deposit_id: str) -> sqlite3.Row:
    """A UPI deposit into ``w``; NOT_FOUND when unknown or into another wallet."""
    row = await sandbox.db.read(lambda conn: upi_deposit_in(conn, deposit_id))
    if row is None or row["wallet_id"] != w.id:
        raise NivoError("NOT_FOUND", "UPI deposit not found")
    return row


async def start_upi_deposit(sandbox: Sandbox, wallet: NivoWallet, amount: int, upi_id: str) -> tuple[sqlite3.Row, Plan]:
    deposit_id = str(uuid.uuid4())
    now = sandbox.clock.time()

    def insert(conn: sqlite3.Connection) -> sqlite3.Row | None:
        insert_upi_deposit_in(conn, deposit_id, wallet.id, wallet.user_id, amount, wallet.currency, upi_id, now)
        return upi_deposit_in(conn, deposit_id)

    row = await sandbox.db.write(insert)
    plan = await sandbox.simulators.operations.start(
        KIND,
        deposit_id,
        simulator="upi",
        user_id=wallet.user_id,
        amount=amount,
        currency=wallet.currency,
        inputs={"amount": amount, "upi_id": upi_id},
        payload={"wallet_id": wallet.id, "deposit_id": deposit_id},
    )
    return row, plan


async def _mark_failed(sandbox: Sandbox, deposit_id: str, reason: str) -> None:
    now = sandbox.clock.time()
    await sandbox.db.write(lambda conn: fail_upi_deposit_in(conn, deposit_id, reason, now))


async def settle_upi_deposit(sandbox: Sandbox, op: Operation, outcome: Outcome) -> None:
    deposit = await sandbox.db.read(lambda conn: upi_deposit_in(conn, op.ref))
    if deposit is None or deposit["status"] != "pending":
        return  # unknown or already settled: exactly once
    if outcome.status != "completed":
        await _mark_failed(sandbox, op.ref, outcome.error_message or "UPI payment failed")
        return
    wallet = await sandbox.db.read(lambda conn: get_wallet_in(conn, deposit["wallet_id"]))
    if wallet is None or wallet.status != "active":
        await _mark_failed(sandbox, op.ref, "Wallet is not active; UPI payment refunded to the payer")
        return
    settlement = await sandbox.ledger.system_account("settlement", deposit["currency"])
    tx_id = str(uuid.uuid4())
    now = sandbox.clock.time()
    spec = TxSpec(
        type="deposit",
        user_id=int(deposit["user_id"]),
        amount=int(deposit["amount"]),
        currency=deposit["currency"],
        from_wallet=None,
        to_wallet=wallet,
        description=f"UPI deposit from {deposit['upi_id']}",
        channel="upi",
    )

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        if complete_upi_deposit_in(conn, op.ref, tx_id, now) != 1:
            raise NivoError("CONFLICT", "UPI deposit was already settled")
        insert_transaction_in(conn, spec, tx_id, journal.id, now)

    try:
        await sandbox.ledger.post(
            "TRANSACTION_TYPE_DEPOSIT",
            [Leg(debit=settlement.id, credit=wallet.account_id, amount=spec.amount, description=spec.description)],
            description=spec.description,
            idempotency_key=f"op:{op.ref}:completed",
            metadata={"platform": "nivo", "nivo_transaction_id": tx_id, "upi_deposit_id": op.ref},
            on_posted=on_posted,
        )
    except NivoError:
        return  # settled concurrently
    except DomainError as exc:  # e.g. the ledger account was locked meanwhile
        log.warning("UPI deposit %s could not be credited: %s", op.ref, exc.message)
        await _mark_failed(sandbox, op.ref, f"Could not credit wallet: {exc.message}")
