"""Flow 2: wallets are created pending, activated, read, listed, frozen; only active wallets move money."""

from __future__ import annotations

from app.core.ledger.models import Leg
from tests.contract.nivo.conftest import Nivo

WALLETS = "/api/v1/wallet/wallets"
DEPOSIT = "/api/v1/transaction/transactions/deposit"
WITHDRAWAL = "/api/v1/transaction/transactions/withdrawal"


async def test_create_activate_get_list_balance(nivo: Nivo) -> None:
    user = await nivo.user()
    created = await nivo.ok("POST", WALLETS, user, {"currency": "INR"}, status=201)
    assert set(created) == {"id", "user_id", "currency", "balance", "status", "created_at"}
    assert created["user_id"] == user.id
    assert created["currency"] == "INR"
    assert created["balance"] == "0.00"
    assert created["status"] == "pending"
    wallet_id = created["id"]

    activated = await nivo.ok("POST", f"{WALLETS}/{wallet_id}/activate", user)
    assert activated == {"id": wallet_id, "status": "active"}
    got = await nivo.ok("GET", f"{WALLETS}/{wallet_id}", user)
    assert got["status"] == "active" and got["id"] == wallet_id

    usd = await nivo.ok("POST", WALLETS, user, {"currency": "usd"}, status=201)
    assert usd["currency"] == "USD"
    listed = await nivo.ok("GET", WALLETS, user)
    assert [w["id"] for w in listed] == [wallet_id, usd["id"]]

    balance = await nivo.balance(user, wallet_id)
    assert balance == {"wallet_id": wallet_id, "balance": "0.00", "available_balance": "0.00", "currency": "INR"}


async def test_wallet_errors(nivo: Nivo) -> None:
    user = await nivo.user()
    other = await nivo.user("Other User")
    wallet_id = await nivo.wallet(user)
    await nivo.error("POST", WALLETS, user, {"currency": "INR"}, 409, "CONFLICT")
    await nivo.error("POST", WALLETS, user, {"currency": "XYZ"}, 400, "VALIDATION_ERROR")
    await nivo.error("POST", WALLETS, user, {"currency": 5}, 400, "VALIDATION_ERROR")
    await nivo.error("POST", f"{WALLETS}/{wallet_id}/activate", user, None, 409, "CONFLICT")
    await nivo.error("GET", f"{WALLETS}/{wallet_id}", other, None, 403, "FORBIDDEN")
    await nivo.error("GET", f"{WALLETS}/{wallet_id}/balance", other, None, 403, "FORBIDDEN")
    await nivo.error("GET", f"{WALLETS}/00000000-0000-4000-8000-000000000000", user, None, 404, "NOT_FOUND")
    await nivo.error("GET", f"{WALLETS}/not-a-uuid", user, None, 404, "NOT_FOUND")


async def test_pending_wallet_cannot_move_money(nivo: Nivo) -> None:
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, activate=False)
    body = {"wallet_id": wallet_id, "amount": "100.00", "currency": "INR"}
    message = await nivo.error("POST", DEPOSIT, user, body, 400, "BAD_REQUEST")
    assert "not active" in message
    assert (await nivo.balance(user, wallet_id))["balance"] == "0.00"


async def test_frozen_wallet_refuses_money_with_account_frozen(nivo: Nivo) -> None:
    user = await nivo.user()
    other = await nivo.user("Payee Person")
    wallet_id = await nivo.wallet(user, deposit="500.00")
    other_wallet = await nivo.wallet(other)
    assert await nivo.ok("POST", f"{WALLETS}/{wallet_id}/freeze", user) == {"id": wallet_id, "status": "frozen"}
    await nivo.error("POST", f"{WALLETS}/{wallet_id}/freeze", user, None, 409, "CONFLICT")
    await nivo.error("POST", f"{WALLETS}/{wallet_id}/activate", user, None, 409, "CONFLICT")
    await nivo.error("POST", DEPOSIT, user, {"wallet_id": wallet_id, "amount": "1.00"}, 412, "ACCOUNT_FROZEN")
    await nivo.error("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "1.00"}, 412, "ACCOUNT_FROZEN")
    # Transfers into a frozen wallet are refused too.
    await nivo.deposit(other, other_wallet, "50.00")
    body = {"from_wallet_id": other_wallet, "to_wallet_id": wallet_id, "amount": "5.00", "currency": "INR"}
    await nivo.error("POST", "/api/v1/transaction/transactions/transfer", other, body, 412, "ACCOUNT_FROZEN")
    assert await nivo.ok("POST", f"{WALLETS}/{wallet_id}/unfreeze", user) == {"id": wallet_id, "status": "active"}
    await nivo.deposit(user, wallet_id, "1.00")
    assert (await nivo.balance(user, wallet_id))["balance"] == "501.00"


async def test_ledger_locked_account_answers_account_frozen(nivo: Nivo) -> None:
    """A ledger account locked through the control API / core is frozen in Nivo's words."""
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="100.00")
    row = await nivo.sandbox.db.fetchone("SELECT account_id FROM nivo_wallets WHERE id = ?", (wallet_id,))
    await nivo.sandbox.ledger.set_account_flags(row["account_id"], locked=True)
    await nivo.error("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "1.00"}, 412, "ACCOUNT_FROZEN")
    assert (await nivo.balance(user, wallet_id))["balance"] == "100.00"
    assert (await nivo.sandbox.ledger.check()).ok


async def test_wallet_maps_onto_existing_ledger_account(nivo: Nivo) -> None:
    """A currency already held through another platform: same ledger account, still pending in Nivo."""
    user = await nivo.user()
    identity = await nivo.sandbox.identity.by_email(user.email)
    assert identity is not None
    ledger = nivo.sandbox.ledger
    account = await ledger.open_account("user", identity.id, "INR")
    settlement = await ledger.system_account("settlement", "INR")
    await ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(debit=settlement.id, credit=account.id, amount=12_345)])
    created = await nivo.ok("POST", WALLETS, user, {"currency": "INR"}, status=201)
    assert created["status"] == "pending"
    assert created["balance"] == "123.45"
    row = await nivo.sandbox.db.fetchone("SELECT account_id FROM nivo_wallets WHERE id = ?", (created["id"],))
    assert row["account_id"] == account.id
