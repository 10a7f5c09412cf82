"""GDPR: data export (+ access-request record), account deletion, consents, complaints."""

from __future__ import annotations

import sqlite3

from litestar.testing import AsyncTestClient

from tests.contract.drop.conftest import PASSWORD, SessionFactory, browser
from tests.contract.drop.test_remittance import RECIPIENT


def rows(path: object, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(str(path))
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


async def test_consents_grant_withdraw(new_session: SessionFactory) -> None:
    s = await new_session()
    assert (await s.http.get("/api/consents")).json() == {"data": []}
    bad = await s.http.post("/api/consents", json={"consentType": "spam", "granted": True})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    assert (await s.http.post("/api/consents", json={"consentType": "marketing"})).status_code == 400
    new = await s.http.post("/api/consents", json={"consentType": "marketing", "granted": True})
    assert new.status_code == 201
    consent = new.json()["data"]
    assert consent["id"].startswith("con_") and consent["granted"] == 1 and consent["withdrawn_at"] is None
    assert consent["consent_type"] == "marketing" and consent["ip_address"]
    withdrawn = await s.http.post("/api/consents", json={"consentType": "marketing", "granted": False})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["data"]["granted"] == 0 and withdrawn.json()["data"]["withdrawn_at"] is not None
    listed = (await s.http.get("/api/consents")).json()["data"]
    assert len(listed) == 1 and listed[0]["user_id"] == s.user["id"]


async def test_complaints(new_session: SessionFactory) -> None:
    s = await new_session()
    for body in (
        {"category": "weather", "subject": "x", "description": "y"},
        {"category": "fees", "subject": "", "description": "y"},
        {"category": "fees", "subject": "x" * 201, "description": "y"},
        {"category": "fees", "subject": "ok", "description": "y" * 2001},
    ):
        assert (await s.http.post("/api/complaints", json=body)).status_code == 400, body
    created = await s.http.post(
        "/api/complaints",
        json={"category": "fees", "subject": "High transfer fee", "description": "<script>x</script>Too high"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["commitmentNote"].endswith("within 15 business days per Finansavtaleloven §3-53")
    assert body["data"]["status"] == "received" and body["data"]["description"] == "xToo high"
    listed = (await s.http.get("/api/complaints")).json()
    assert listed["pagination"] == {"page": 1, "limit": 10, "total": 1, "totalPages": 1}
    assert listed["data"][0]["resolution"] is None and listed["data"][0]["resolved_at"] is None


async def test_data_export(new_session: SessionFactory) -> None:
    s = await new_session()
    await s.http.post("/api/recipients", json=RECIPIENT)
    await s.http.post("/api/consents", json={"consentType": "terms", "granted": True})
    resp = await s.http.get("/api/user/data-export")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"data", "exportedAt"}
    data = body["data"]
    assert set(data) == {"user", "transactions", "recipients", "bankAccounts", "settings", "consents"}
    assert data["user"]["id"] == s.user["id"] and data["user"]["date_of_birth"] == "1990-04-12"
    assert data["recipients"][0]["bankAccount"] == RECIPIENT["bankAccount"]
    assert data["bankAccounts"][0]["balance"] == 50000.0
    assert data["settings"]["currency"] == "NOK" and data["consents"][0]["consent_type"] == "terms"
    uid = await s.user_id()
    assert rows(s.sandbox.db.path, "SELECT type, status FROM drop_data_access_requests WHERE user_id = ?", (uid,)) == [
        ("export", "completed")
    ]


async def test_account_deletion_soft_deletes_and_revokes(
    new_session: SessionFactory, app_client: AsyncTestClient
) -> None:
    s = await new_session()
    uid = await s.user_id()
    other = browser(app_client)
    try:
        assert (await other.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})).status_code == 200
        resp = await s.http.delete("/api/user/account")
        assert resp.status_code == 200
        assert resp.json() == {
            "message": "Account scheduled for deletion",
            "retentionNote": "Data retained for 5 years per AML requirements",
        }
        assert (await other.get("/api/auth/me")).status_code == 401
        login = await other.post("/api/auth/login", json={"email": s.email, "password": PASSWORD})
        assert login.status_code == 401
    finally:
        await other.aclose()
    user = await s.sandbox.identity.get_user(uid)
    assert user is not None and user.status == "deleted" and user.deleted_at is not None
    assert rows(s.sandbox.db.path, "SELECT type FROM drop_data_access_requests WHERE user_id = ?", (uid,)) == [
        ("erasure",)
    ]
