"""Cards: every route 404s while its flags are off (the default) and works fully once they are on."""

from __future__ import annotations

import sqlite3

import bcrypt

from app.platforms.drop.flags import set_flags
from tests.contract.drop.conftest import SessionFactory

ROUTES = [
    ("GET", "/api/cards"),
    ("POST", "/api/cards"),
    ("GET", "/api/cards/card_0000000000000000"),
    ("PATCH", "/api/cards/card_0000000000000000"),
    ("DELETE", "/api/cards/card_0000000000000000"),
    ("POST", "/api/cards/card_0000000000000000/physical"),
    ("POST", "/api/cards/card_0000000000000000/pin"),
    ("GET", "/api/cards/card_0000000000000000/limits"),
    ("PUT", "/api/cards/card_0000000000000000/limits"),
]


async def test_every_card_route_is_404_by_default(new_session: SessionFactory) -> None:
    s = await new_session()
    for method, path in ROUTES:
        resp = await s.http.request(method, path, json={})
        assert resp.status_code == 404, (method, path, resp.text)
        assert resp.json() == {"error": "not_found", "message": "Not found", "details": []}


async def test_sub_feature_flags_gate_their_routes(new_session: SessionFactory) -> None:
    s = await new_session()
    handle = s.sandbox.extras["drop_flags"]  # what the control API / console can use
    assert await handle.all() == {
        "cards": False,
        "physicalCards": False,
        "cardPin": False,
        "spendingLimits": False,
        "notifications": True,
    }
    await handle.set({"cards": True})
    card = (await s.http.post("/api/cards", json={})).json()["data"]
    for path in ("physical", "pin", "limits"):
        assert (await s.http.post(f"/api/cards/{card['id']}/{path}", json={})).status_code in (404, 405)
    assert (await s.http.get(f"/api/cards/{card['id']}/limits")).status_code == 404


async def test_cards_fully_work_when_flags_are_on(new_session: SessionFactory) -> None:
    s = await new_session()
    await set_flags(s.sandbox, {"cards": True, "physicalCards": True, "cardPin": True, "spendingLimits": True})
    created = await s.http.post("/api/cards", json={"type": "virtual"})
    assert created.status_code == 201, created.text
    card = created.json()["data"]
    assert card["status"] == "active" and card["type"] == "virtual" and card["brand"] == "VISA"
    assert card["cardNumber"] == f"---- ---- ---- {card['last4']}" and card["cvv"] == "---"
    assert (await s.http.post("/api/cards", json={"type": "metal"})).status_code == 400
    cid = card["id"]
    assert (await s.http.get(f"/api/cards/{cid}")).json()["data"] == card
    frozen = await s.http.patch(f"/api/cards/{cid}", json={"status": "frozen"})
    assert frozen.json()["data"]["status"] == "frozen"
    assert (await s.http.patch(f"/api/cards/{cid}", json={"status": "cancelled"})).status_code == 400
    assert (await s.http.patch(f"/api/cards/{cid}", json={"status": "active"})).json()["data"]["status"] == "active"

    assert (await s.http.post(f"/api/cards/{cid}/physical", json={"address": "short"})).status_code == 400
    ordered = await s.http.post(f"/api/cards/{cid}/physical", json={"address": "Karl Johans gate 1, 0154 Oslo"})
    assert ordered.status_code == 200 and ordered.json()["data"]["physicalStatus"] == "ordered"
    assert (await s.http.post(f"/api/cards/{cid}/physical", json={"address": "Karl Johans gate 1"})).status_code == 409

    for pin in ("123", "12345", "12a4", 1234):
        assert (await s.http.post(f"/api/cards/{cid}/pin", json={"pin": pin})).status_code == 400
    pinned = await s.http.post(f"/api/cards/{cid}/pin", json={"pin": "4821"})
    assert pinned.status_code == 200 and pinned.json()["data"]["hasPin"] is True
    db = sqlite3.connect(s.sandbox.db.path)
    try:
        stored = db.execute("SELECT pin_hash FROM drop_cards WHERE id = ?", (cid,)).fetchone()[0]
    finally:
        db.close()
    assert stored != "4821" and bcrypt.checkpw(b"4821", stored.encode())

    assert (await s.http.get(f"/api/cards/{cid}/limits")).json() == {"data": []}
    bad = await s.http.put(f"/api/cards/{cid}/limits", json={"limitType": "yearly", "amount": 10})
    assert bad.status_code == 422
    negative = await s.http.put(f"/api/cards/{cid}/limits", json={"limitType": "daily", "amount": -5})
    assert negative.status_code == 422
    await s.http.put(f"/api/cards/{cid}/limits", json={"limitType": "daily", "amount": 1000})
    replaced = await s.http.put(f"/api/cards/{cid}/limits", json={"limitType": "daily", "amount": 2500.5})
    assert replaced.json()["data"]["amount"] == 2500.5
    await s.http.put(f"/api/cards/{cid}/limits", json={"limitType": "transaction", "amount": 500})
    limits = (await s.http.get(f"/api/cards/{cid}/limits")).json()["data"]
    assert [(x["limitType"], x["amount"]) for x in limits] == [("daily", 2500.5), ("transaction", 500.0)]

    other = await new_session()
    assert (await other.http.get(f"/api/cards/{cid}")).status_code == 404
    cancelled = await s.http.delete(f"/api/cards/{cid}")
    assert cancelled.status_code == 200 and cancelled.json()["data"]["status"] == "cancelled"
    assert (await s.http.get("/api/cards")).json() == {"data": []}
    assert (await s.http.get(f"/api/cards/{cid}")).status_code == 404
