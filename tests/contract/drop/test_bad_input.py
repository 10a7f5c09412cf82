"""Bad input never becomes a 500: every writing route gets hostile bodies and answers in Drop's envelope."""

from __future__ import annotations

from app.platforms.drop.flags import set_flags
from tests.contract.drop.conftest import SessionFactory

WRITES = [
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/transactions/remittance"),
    ("POST", "/api/transactions/qr-payment"),
    ("POST", "/api/transactions/disclosure"),
    ("POST", "/api/recipients"),
    ("PATCH", "/api/notifications"),
    ("PATCH", "/api/settings"),
    ("POST", "/api/merchants/register"),
    ("POST", "/api/consents"),
    ("POST", "/api/complaints"),
    ("POST", "/api/cards"),
    ("PATCH", "/api/cards/card_x"),
    ("POST", "/api/cards/card_x/pin"),
    ("POST", "/api/cards/card_x/physical"),
    ("PUT", "/api/cards/card_x/limits"),
]

HOSTILE = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"{bad json",
    b'{"amount": 1e400}',
    b'{"amount": -1, "recipientId": [], "merchantId": {}, "type": 5}',
    b'{"email": 5, "password": [], "firstName": {}, "lastName": null, "dateOfBirth": 19900101}',
    b'{"notificationIds": "noti_0123456789abcdef", "currency": ["NOK"], "pushEnabled": "true"}',
    b'{"consentType": ["terms"], "granted": 1, "category": null, "subject": 5, "description": []}',
    b'{"status": ["frozen"], "pin": 1234, "address": 12345678901, "limitType": {}, "amount": "10"}',
    b'{"businessName": "\\u0000", "orgNumber": 123456789, "bankAccount": true}',
    b'{"amount": 100.005, "recipientId": "rcp_\\ud800", "currency": "nok"}',
]


async def test_hostile_bodies_get_4xx_in_the_drop_envelope(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.approve_kyc()
    await set_flags(s.sandbox, {"cards": True, "physicalCards": True, "cardPin": True, "spendingLimits": True})
    for method, path in WRITES:
        for body in HOSTILE:
            resp = await s.http.request(method, path, content=body, headers={"content-type": "application/json"})
            if path in ("/api/settings", "/api/cards") and resp.status_code in (200, 201):
                continue  # every field is optional (settings; card type defaults to virtual)
            assert 400 <= resp.status_code < 500, (method, path, body, resp.status_code, resp.text)
            err = resp.json()
            assert isinstance(err["error"], str) and err["error"] == err["error"].lower()
            assert isinstance(err["message"], str) and isinstance(err["details"], list)
    assert (await s.sandbox.ledger.check()).ok
