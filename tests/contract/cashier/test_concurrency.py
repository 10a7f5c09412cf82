"""Two sockets of one user, racing withdrawals and transfers: pushes reach both, the ledger stays whole."""

from __future__ import annotations

import asyncio

from tests.contract.cashier.conftest import CashierUser, advance, cashier_socket, fund, make_user
from tests.support.server import LiveServer


async def test_two_connections_of_one_user_both_get_pushes(live: LiveServer, user: CashierUser) -> None:
    async with cashier_socket(live, user.token) as phone, cashier_socket(live, user.token) as laptop:
        created = (await phone.ok("deposit_request", {"amount": 40, "currency": "USD", "service": "paypal"}))["data"]
        await advance(live, 30)
        on_phone = (await phone.push("deposit_completed"))["data"]
        on_laptop = (await laptop.push("deposit_completed"))["data"]
        assert on_phone == on_laptop
        assert on_phone["transaction_ref"] == created["request_ref"]
        # Both stay usable and see the same balance.
        a = (await phone.ok("get_owner_summary"))["data"]
        b = (await laptop.ok("get_owner_summary"))["data"]
        assert a == b


async def test_racing_transfers_from_two_sockets_never_overdraw(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)  # 100.00; each transfer costs 10.00 + 0.20 fee
    friend = await make_user(live, currencies=("USD",))
    async with cashier_socket(live, user.token) as one, cashier_socket(live, user.token) as two:

        async def burst(client) -> list[dict]:  # type: ignore[no-untyped-def]
            replies = []
            for _ in range(8):
                replies.append(
                    await client.request("transfer", {"to_user_id": friend.id, "amount": 10, "currency": "USD"})
                )
            return replies

        results = await asyncio.gather(burst(one), burst(two))
    replies = [r for batch in results for r in batch]
    ok = [r for r in replies if r["type"] == "success"]
    refused = [r for r in replies if r["type"] == "error"]
    assert len(ok) == 9  # 9 * 10.20 = 91.80 <= 100 < 10 * 10.20
    assert all(r["data"]["message"].startswith("insufficient balance: available ") for r in refused)
    wallets = await live.sandbox.ledger.accounts_of("user", user.id, purpose="ACCOUNT_PURPOSE_WALLET")
    usd = next(a for a in wallets if a.currency == "USD")
    assert (await live.sandbox.ledger.balance(usd.id)).balance == 10000 - 9 * 1020
    assert (await live.sandbox.ledger.check()).ok


async def test_racing_withdrawals_hold_at_most_the_balance(live: LiveServer, user: CashierUser) -> None:
    await fund(live, user.id, "USD", 10000)  # 100.00; each withdrawal holds 40.00 + 0.80 fee
    identity = live.sandbox.identity
    tokens = []
    for _ in range(4):
        await identity.start_otp(user.id, "withdrawal", "email")
        code = (await identity.inbox(to=user.email, purpose="withdrawal"))[0].code
        tokens.append((await identity.verify_otp(user.id, "withdrawal", code)).token)
    async with cashier_socket(live, user.token) as one, cashier_socket(live, user.token) as two:

        async def withdraw(client, token: str) -> dict:  # type: ignore[no-untyped-def]
            data = {"amount": 40, "currency": "USD", "destination": "+254712345678", "verification_token": token}
            return await client.request("withdraw_request", data)

        async def two_in_a_row(client, first: str, second: str) -> list[dict]:  # type: ignore[no-untyped-def]
            return [await withdraw(client, first), await withdraw(client, second)]

        batches = await asyncio.gather(two_in_a_row(one, tokens[0], tokens[2]), two_in_a_row(two, tokens[1], tokens[3]))
        replies = [r for batch in batches for r in batch]
        ok = [r for r in replies if r["type"] == "success"]
        assert len(ok) == 2
        await advance(live, 30)
        for _ in ok:
            await one.push("withdrawal_completed")
    wallets = await live.sandbox.ledger.accounts_of("user", user.id, purpose="ACCOUNT_PURPOSE_WALLET")
    usd = next(a for a in wallets if a.currency == "USD")
    final = await live.sandbox.ledger.balance(usd.id)
    assert final.balance == 10000 - 2 * 4080 and final.pending_debit == 0
    assert (await live.sandbox.ledger.check()).ok
