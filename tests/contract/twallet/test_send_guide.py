"""The T-Wallet Send guide end to end over HTTP: the basic scenario and the three alternatives."""

from __future__ import annotations

import asyncio

from tests.contract.twallet.conftest import TWallet


async def test_basic_scenario(tw: TWallet) -> None:
    sender = await tw.user("Anna", "Berg")
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "1000.00")
    await tw.fund(sender, "EUR", "50")

    # 1 Account number
    resp = await tw.get("/profile/", sender)
    assert resp.status_code == 200, resp.text
    profile = resp.json()
    account_number = profile["account_id"]
    assert account_number == sender.user.twallet_account_id
    assert profile["profile_id"] == sender.user.profile_id and profile["first_name"] == "Anna"
    assert (await tw.get("/profile", sender)).json() == profile  # with or without the trailing slash

    # 2 Available assets
    resp = await tw.get(f"/profile/account/{account_number}", sender)
    assert resp.status_code == 200, resp.text
    account = resp.json()
    assert [a["asset_key"] for a in account["meta_data"]["assets"]] == ["EUR", "SEK"]
    assert account["balances"]["SEK"]["balance"] == 1000.0 and account["balances"]["EUR"]["balance"] == 50.0

    # 3 Find contact
    resp = await tw.get("/contact", sender, params={"find": f"phone:{recipient.phone_digits}"})
    assert resp.status_code == 200, resp.text
    found = resp.json()
    assert found == {"profile_id": recipient.user.profile_id, "first_name": "Erik", "last_name": "Lund"}

    # 4 Send money
    body = {
        "from_account_id": account_number,
        "to_profile_id": found["profile_id"],
        "asset_key": "SEK",
        "amount": 250.5,
        "meta_data": {"notes": "dinner"},
    }
    resp = await tw.post("/profile/send-to-profile", sender, body)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"code": 200, "msg": []}

    # 5 Transaction status: pending while being processed (funds held), then completed.
    resp = await tw.get("/profile/payment_transaction", sender, params={"type": 1})
    assert resp.status_code == 200, resp.text
    listing = resp.json()
    assert listing["total"] == 1 and listing["page"] == 1
    [tx] = listing["data"]
    assert tx["status"] == "pending" and tx["type"] == 1 and tx["amount"] == 250.5 and tx["asset_key"] == "SEK"
    assert tx["to_profile_id"] == recipient.user.profile_id and tx["meta_data"] == {"notes": "dinner"}
    held = await tw.balances(sender)
    assert held["SEK"] == {"balance": 1000.0, "available": 749.5, "pending": 250.5}

    await tw.settle()
    [tx] = (await tw.get("/profile/payment_transaction", sender, params={"type": 1})).json()["data"]
    assert tx["status"] == "completed" and tx["completed_at"]
    assert (await tw.balances(sender))["SEK"] == {"balance": 749.5, "available": 749.5, "pending": 0.0}
    assert (await tw.balances(recipient))["SEK"]["balance"] == 250.5
    # The recipient sees it as received.
    [rx] = (await tw.get("/profile/payment_transaction", recipient, params={"type": 2})).json()["data"]
    assert rx["type"] == 2 and rx["direction"] == "incoming" and rx["from_profile_id"] == sender.user.profile_id
    assert (await tw.get("/profile/payment_transaction", recipient, params={"type": 1})).json()["data"] == []
    assert (await tw.sandbox.ledger.check()).ok


async def test_alternative_save_choose_delete_contact(tw: TWallet) -> None:
    user = await tw.user("Anna", "Berg")
    friend = await tw.user("Erik", "Lund")
    other = await tw.user("Sara", "Holm")

    # 3.1 Save contact (names from GET /contact)
    found = (await tw.get("/contact", user, params={"find": f"phone:{friend.phone_digits}"})).json()
    resp = await tw.post("/profile/contact", user, found)
    assert resp.status_code == 200 and resp.json() == {"code": 200, "msg": []}
    resp = await tw.post("/profile/contact", user, {"profile_id": other.user.profile_id, "first_name": "Sis"})
    assert resp.status_code == 200

    # 3.2 Choose contact
    resp = await tw.get("/profile/contact", user)
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert set(data) == {friend.user.profile_id, other.user.profile_id}
    assert data[friend.user.profile_id]["first_name"] == "Erik" and data[other.user.profile_id]["first_name"] == "Sis"
    assert data[other.user.profile_id]["last_name"] == "Holm"  # missing name taken from the profile
    # Saving again updates the names, no duplicate.
    await tw.post("/profile/contact", user, {**found, "first_name": "Erki"})
    data = (await tw.get("/profile/contact", user)).json()["data"]
    assert len(data) == 2 and data[friend.user.profile_id]["first_name"] == "Erki"
    # Contacts are per user.
    assert (await tw.get("/profile/contact", friend)).json() == {"data": {}}

    # 3.3 Delete contact: the guide writes the method as "DEL"; DELETE works too.
    resp = await tw.http.request("DEL", f"/profile/contact/{friend.user.profile_id}", headers=user.headers)
    assert resp.status_code == 200 and resp.json() == {"code": 200, "msg": []}
    assert set((await tw.get("/profile/contact", user)).json()["data"]) == {other.user.profile_id}
    await tw.post("/profile/contact", user, found)
    resp = await tw.http.delete(f"/profile/contact/{friend.user.profile_id}", headers=user.headers)
    assert resp.status_code == 200 and resp.json() == {"code": 200, "msg": []}
    resp = await tw.http.delete(f"/profile/contact/{friend.user.profile_id}", headers=user.headers)
    assert resp.status_code == 400 and resp.json() == {"code": 400, "msg": ["record not found"]}


async def test_send_to_saved_contact(tw: TWallet) -> None:
    user = await tw.user()
    friend = await tw.user("Erik", "Lund")
    await tw.fund(user, "EUR", "20")
    await tw.post("/profile/contact", user, {"profile_id": friend.user.profile_id})
    [chosen] = (await tw.get("/profile/contact", user)).json()["data"]
    resp = await tw.send(user, friend, "EUR", "20.00")
    assert resp.json() == {"code": 200, "msg": []} and chosen == friend.user.profile_id
    await tw.settle()
    assert (await tw.balances(friend))["EUR"]["balance"] == 20.0
    assert (await tw.balances(user))["EUR"]["balance"] == 0.0


async def test_underfunded(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "10")
    resp = await tw.send(sender, recipient, "SEK", 10.01)
    assert resp.status_code == 200 and resp.json() == {"code": 601, "msg": ["op_underfunded"]}
    # Pending holds count: two sends of 6 from 10 -> the second is underfunded.
    assert (await tw.send(sender, recipient, "SEK", 6)).json()["code"] == 200
    assert (await tw.send(sender, recipient, "SEK", 6)).json() == {"code": 601, "msg": ["op_underfunded"]}
    listing = (await tw.get("/profile/payment_transaction", sender)).json()
    assert listing["total"] == 1
    assert (await tw.sandbox.ledger.check()).ok


async def test_idempotency_key(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "100")
    key = {"Idempotency-Key": "send-1"}
    assert (await tw.send(sender, recipient, "SEK", 30, headers=key)).json()["code"] == 200
    assert (await tw.send(sender, recipient, "SEK", 30, headers=key)).json()["code"] == 200
    resp = await tw.send(sender, recipient, "SEK", 31, headers=key)
    assert resp.status_code == 409 and "amount" in resp.json()["msg"][0]
    assert (await tw.get("/profile/payment_transaction", sender)).json()["total"] == 1
    # Without a key each request is a new send.
    await tw.send(sender, recipient, "SEK", 10)
    await tw.send(sender, recipient, "SEK", 10)
    await tw.settle()
    assert (await tw.balances(sender))["SEK"]["balance"] == 50.0
    assert (await tw.sandbox.ledger.check()).ok


async def test_concurrent_sends_never_overdraw(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "100")
    results = await asyncio.gather(*[tw.send(sender, recipient, "SEK", 15) for _ in range(10)])
    codes = [r.json()["code"] for r in results]
    assert codes.count(200) == 6 and codes.count(601) == 4
    await tw.settle()
    assert (await tw.balances(sender))["SEK"]["balance"] == 10.0
    assert (await tw.balances(recipient))["SEK"]["balance"] == 90.0
    assert (await tw.sandbox.ledger.check()).ok


async def test_transactions_paging_newest_first(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "100")
    for amount in (1, 2, 3):
        await tw.send(sender, recipient, "SEK", amount)
        tw.sandbox.clock.advance(1)  # distinct timestamps, none settled yet (settle delay is 2 s)
    page1 = (await tw.get("/profile/payment_transaction", sender, params={"type": 1, "limit": 2})).json()
    assert page1["total"] == 3 and [t["amount"] for t in page1["data"]] == [3.0, 2.0]
    page2 = (await tw.get("/profile/payment_transaction", sender, params={"type": 1, "limit": 2, "page": 2})).json()
    assert [t["amount"] for t in page2["data"]] == [1.0]
    statuses = {t["status"] for t in page1["data"] + page2["data"]}
    assert statuses <= {"pending", "completed"} and "pending" in statuses
    both = (await tw.get("/profile/payment_transaction", recipient, params={"type": 3})).json()
    assert both["total"] == 3 and all(t["type"] == 2 for t in both["data"])


async def test_underfunded_send_leaves_no_trace(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "NOK", "1")
    assert (await tw.send(sender, recipient, "NOK", 2)).json()["code"] == 601
    account = (await tw.get(f"/profile/account/{recipient.user.twallet_account_id}", recipient)).json()
    assert account["meta_data"]["assets"] == [] and account["balances"] == {}


async def test_send_fails_when_recipient_wallet_locked_before_settlement(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "100")
    assert (await tw.send(sender, recipient, "SEK", 40)).json()["code"] == 200
    [wallet] = await tw.sandbox.ledger.accounts_of("user", recipient.user.id)
    await tw.sandbox.ledger.set_account_flags(wallet.id, locked=True)
    await tw.settle()
    [tx] = (await tw.get("/profile/payment_transaction", sender, params={"type": 1})).json()["data"]
    assert tx["status"] == "failed" and tx["failure_reason"] == "account_locked"
    assert (await tw.balances(sender))["SEK"] == {"balance": 100.0, "available": 100.0, "pending": 0.0}
    assert (await tw.sandbox.ledger.check()).ok
