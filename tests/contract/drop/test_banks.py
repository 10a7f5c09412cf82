"""The open-banking bank simulator behind Drop: accounts, AISP reads, bank credits, settlement outcomes."""

from __future__ import annotations

from app.platforms.drop.flags import set_flags
from simulators.banks import BANKS, OpenBankingBanks, account_number_for, mod11_check
from tests.contract.drop.conftest import PASSWORD, SessionFactory
from tests.contract.drop.test_remittance import add_recipient, balance_of


def test_account_numbers_are_norwegian_mod11() -> None:
    seen = set()
    for bank in BANKS:
        for row_id in (1, 2, 3, 77, 12345):
            number = account_number_for(bank, row_id)
            digits = number.replace(".", "")
            assert len(digits) == 11 and number[4] == "." and number[7] == "."
            assert digits.startswith(bank.clearing)
            assert mod11_check(digits[:10]) == int(digits[10])
            seen.add(number)
    assert len(seen) == 25


async def test_aisp_read_refreshes_the_cached_balance(new_session: SessionFactory) -> None:
    s = await new_session()
    banks: OpenBankingBanks = s.sandbox.extras["banks"]
    uid = await s.user_id()
    [account] = await banks.accounts(uid)
    assert account.balance == 5_000_000 and account.is_primary
    ledger = await s.sandbox.ledger.balance(account.ledger_account_id)
    assert (ledger.owner_type, ledger.purpose, ledger.currency) == ("bank", "ACCOUNT_PURPOSE_BANK", "NOK")
    # The bank credits a salary: Drop's cached balance changes only at the next AISP read.
    journal = await banks.fund(account.id, 1_234_56, key="salary-1")
    replay = await banks.fund(account.id, 1_234_56, key="salary-1")
    assert replay.replayed and replay.id == journal.id
    assert (await banks.get(account.id)).balance == 5_123_456  # type: ignore[union-attr]
    assert await balance_of(s) == 51234.56
    # A second account at another bank; totalBalance sums them; the primary stays first.
    other_bank = next(b for b in BANKS if b.code != account.bank)
    second = await banks.link_account(uid, bank=other_bank.code, opening_balance=10_000)
    assert not second.is_primary
    me = (await s.http.get("/api/auth/me")).json()["data"]
    assert [a["bankName"] for a in me["bankAccounts"]] == [account.bank_name, other_bank.name]
    assert me["totalBalance"] == 51334.56
    assert (await s.sandbox.ledger.check()).ok


async def test_an_aisp_read_that_finds_nothing_new_writes_nothing(new_session: SessionFactory) -> None:
    """GET /api/auth/me reads balances inline; the cache is written only for an account that moved."""
    s = await new_session()
    banks: OpenBankingBanks = s.sandbox.extras["banks"]
    uid = await s.user_id()
    assert (await s.http.get("/api/auth/me")).status_code == 200
    [account] = await banks.accounts(uid)
    read_at = account.balance_read_at
    s.sandbox.clock.advance(3600)
    assert (await s.http.get("/api/auth/me")).json()["data"]["totalBalance"] == 50000.0
    assert (await banks.get(account.id)).balance_read_at == read_at  # type: ignore[union-attr]
    await banks.fund(account.id, 1_00, key="pocket-money")
    assert (await s.http.get("/api/auth/me")).json()["data"]["totalBalance"] == 50001.0
    moved = await banks.get(account.id)
    assert moved is not None and moved.balance == 5_000_100
    assert read_at is not None and moved.balance_read_at is not None and moved.balance_read_at >= read_at + 3600


async def test_remittance_can_be_paid_from_a_chosen_account(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    banks: OpenBankingBanks = s.sandbox.extras["banks"]
    second = await banks.link_account(await s.user_id(), bank="Sbanken", opening_balance=30_000)
    recipient = await add_recipient(s)
    small = await s.http.post(
        "/api/transactions/remittance",
        json={"recipientId": recipient["id"], "amount": 300, "bankAccountId": second.public_id},
    )
    assert small.status_code == 402  # 300 + 1.50 fee > 300.00 at Sbanken
    ok = await s.http.post(
        "/api/transactions/remittance",
        json={"recipientId": recipient["id"], "amount": 200, "bankAccountId": second.public_id},
    )
    assert ok.status_code == 201 and ok.json()["data"]["fromAccount"] == "Sbanken"
    me = (await s.http.get("/api/auth/me")).json()["data"]
    assert [a["balance"] for a in me["bankAccounts"]] == [50000.0, 99.0]


async def test_control_settlement_and_reversal_of_a_remittance(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    # .14 keeps the operation pending until the control API settles it.
    resp = await s.http.post("/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": 100.14})
    tx = resp.json()["data"]
    s.sandbox.clock.advance(3600)
    await s.sandbox.scheduler.run_due()
    assert (await s.http.get(f"/api/transactions/{tx['id']}")).json()["data"]["status"] == "processing"
    await s.sandbox.simulators.operations.settle(tx["id"], "completed")
    assert (await s.http.get(f"/api/transactions/{tx['id']}")).json()["data"]["status"] == "completed"
    assert await balance_of(s) == 50000.0 - 100.64
    await s.sandbox.simulators.operations.reverse(tx["id"])
    detail = (await s.http.get(f"/api/transactions/{tx['id']}")).json()["data"]
    assert detail["status"] == "failed"
    assert await balance_of(s) == 50000.0
    types = [n["type"] for n in (await s.http.get("/api/notifications")).json()["data"]]
    assert types == ["remittance_reversed", "remittance_completed"]
    events = await s.sandbox.events.log(type="transaction.completed")
    assert [e.data["id"] for e in events if e.platform == "drop"] == [tx["id"]]
    assert (await s.sandbox.ledger.check()).ok


async def test_notifications_mark_read_and_flag_off(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    await s.http.post("/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": 150})
    s.sandbox.clock.advance(5)
    await s.sandbox.scheduler.run_due()
    [note] = (await s.http.get("/api/notifications")).json()["data"]
    assert note["read"] is False and note["id"].startswith("noti_")
    marked = await s.http.patch("/api/notifications", json={"notificationIds": [note["id"], note["id"]]})
    assert marked.json() == {"data": {"updated": 1}}
    assert (await s.http.get("/api/notifications")).json()["data"][0]["read"] is True
    await set_flags(s.sandbox, {"notifications": False})
    assert (await s.http.get("/api/notifications")).status_code == 404


async def test_transaction_filters_paging_and_ownership(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    recipient = await add_recipient(s)
    ids = []
    for amount in (100, 200, 300.13):
        resp = await s.http.post(
            "/api/transactions/remittance", json={"recipientId": recipient["id"], "amount": amount}
        )
        ids.append(resp.json()["data"]["id"])
        s.sandbox.clock.advance(1)
    s.sandbox.clock.advance(5)
    await s.sandbox.scheduler.run_due()
    page = (await s.http.get("/api/transactions?limit=2&page=1")).json()
    assert [t["id"] for t in page["data"]] == [ids[2], ids[1]]
    assert page["pagination"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2}
    failed = (await s.http.get("/api/transactions?status=failed")).json()
    assert [t["id"] for t in failed["data"]] == [ids[2]]
    assert (await s.http.get("/api/transactions?type=qr_payment")).json()["pagination"]["total"] == 0
    assert (await s.http.get("/api/transactions?type=bogus")).status_code == 400
    assert (await s.http.get("/api/transactions?status=bogus")).status_code == 400
    # The template's filter operators and sorting.
    done = (await s.http.get("/api/transactions?status[in]=completed,failed&sort=amount&dir=asc")).json()
    assert [t["amount"] for t in done["data"]] == [-100.0, -200.0, -300.13]
    assert (await s.http.get("/api/transactions?status[nin]=failed")).json()["pagination"]["total"] == 2
    big = (await s.http.get("/api/transactions?amount[gte]=200&amount[lt]=300.13")).json()
    assert [t["id"] for t in big["data"]] == [ids[1]]
    later = await s.http.get("/api/transactions", params={"createdAt[gt]": "2000-01-01T00:00:00Z"})
    assert later.json()["pagination"]["total"] == 3
    future = await s.http.get("/api/transactions", params={"createdAt[gte]": "2999-01-01"})
    assert future.json()["pagination"]["total"] == 0
    for bad in ("amount[foo]=1", "amount[gte]=abc", "createdAt[lt]=yesterday", "sort=password", "dir=up"):
        resp = await s.http.get(f"/api/transactions?{bad}")
        assert resp.status_code == 400 and resp.json()["error"] == "bad_request", bad
    other = await new_session()
    for path in (f"/api/transactions/{ids[0]}", f"/api/transactions/{ids[0]}/receipt", "/api/transactions/tx_none"):
        resp = await other.http.get(path)
        assert resp.status_code == 404 and resp.json()["error"] == "not_found"
    # Next month, "thisMonth" is empty while "allTime" keeps the two that did not fail.
    s.sandbox.clock.advance(32 * 86400)
    relogin = await s.http.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})
    assert relogin.status_code == 200
    summary = (await s.http.get("/api/transactions/summary")).json()["data"]
    assert summary["allTime"]["totalCount"] == 2 and summary["allTime"]["totalSent"] == 300.0
    assert summary["thisMonth"]["totalCount"] == 0


async def test_racing_first_logins_link_one_bank_account(new_session: SessionFactory) -> None:
    """ensure_primary checks for an account inside the write that links one: no second account."""
    import asyncio

    s = await new_session()
    banks: OpenBankingBanks = s.sandbox.extras["banks"]
    user = await s.sandbox.identity.register("racer@example.com", PASSWORD, first_name="Ra", last_name="Cer")
    linked = await asyncio.gather(*(banks.ensure_primary(user.id) for _ in range(8)))
    assert len({a.id for a in linked}) == 1
    [account] = await banks.accounts(user.id)
    assert account.is_primary and account.balance == 5_000_000
    assert (await s.sandbox.ledger.check()).ok
