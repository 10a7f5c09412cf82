"""T-Wallet over a real uvicorn server and socket: the send flow and status 498 through the wire."""

from __future__ import annotations

import httpx

from app.core.ledger.models import Leg
from tests.support.server import LiveServer


async def test_send_over_real_socket(live: LiveServer) -> None:
    box = live.sandbox
    sender = await box.identity.register(
        "live0@example.com", "pw-123456", first_name="Anna", last_name="Berg", phone="+46710000000"
    )
    await box.identity.register(
        "live1@example.com", "pw-123456", first_name="Erik", last_name="Lund", phone="+46710000001"
    )
    wallet = await box.ledger.open_account("user", sender.id, "SEK")
    settlement = await box.ledger.system_account("settlement", "SEK")
    await box.ledger.post("TRANSACTION_TYPE_DEPOSIT", [Leg(settlement.id, wallet.id, 10_000)], description="live")

    async with httpx.AsyncClient(base_url=live.base_url, timeout=10) as http:
        assert (await http.post("/_sandbox/clock/freeze")).status_code == 200
        headers = []
        for email in ("live0@example.com", "live1@example.com"):
            resp = await http.post("/_sandbox/tokens", json={"email": email, "expires_in": 60})
            assert resp.status_code == 201, resp.text
            headers.append({"X-Authorization": resp.json()["access_token"]})
        me = (await http.get("/profile/", headers=headers[0])).json()
        found = (await http.get("/contact", params={"find": "phone:46710000001"}, headers=headers[0])).json()
        body = {
            "from_account_id": me["account_id"],
            "to_profile_id": found["profile_id"],
            "asset_key": "SEK",
            "amount": "12.50",
            "meta_data": {"notes": "live"},
        }
        resp = await http.post("/profile/send-to-profile", json=body, headers=headers[0])
        assert resp.status_code == 200 and resp.json() == {"code": 200, "msg": []}
        assert (await http.post("/_sandbox/clock/advance", json={"seconds": 5})).status_code == 200
        listing = (await http.get("/profile/payment_transaction", params={"type": 2}, headers=headers[1])).json()
        [tx] = listing["data"]
        assert tx["status"] == "completed" and tx["amount"] == 12.5 and tx["meta_data"] == {"notes": "live"}
        # The token expires on the sandbox clock: 498 with the documented body, over the wire.
        assert (await http.post("/_sandbox/clock/advance", json={"seconds": 120})).status_code == 200
        resp = await http.get("/profile/", headers=headers[0])
        assert resp.status_code == 498 and resp.text == "Token has expired"
        resp = await http.get("/profile/")
        assert resp.status_code == 401 and resp.text == "Unauthorized"
    assert (await box.ledger.check()).ok
