"""Recipients, rates, notifications, settings."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.contract.drop.conftest import SessionFactory
from tests.contract.drop.test_remittance import RECIPIENT


async def test_recipients_add_list_masked_paging_delete(new_session: SessionFactory) -> None:
    s = await new_session()
    created = []
    for i, (country, currency) in enumerate(
        [("RS", "RSD"), ("BA", "BAM"), ("PL", "PLN"), ("PK", "PKR"), ("TR", "TRY")]
    ):
        resp = await s.http.post(
            "/api/recipients",
            json={**RECIPIENT, "country": country, "currency": currency, "bankAccount": f"AB12 3456 7890 {i}678"},
        )
        assert resp.status_code == 201, resp.text
        created.append(resp.json()["data"])
    assert created[0]["bankAccount"] == "*****0678" and created[0]["id"].startswith("rcp_")
    page = (await s.http.get("/api/recipients?page=2&limit=2")).json()
    assert page["pagination"] == {"page": 2, "limit": 2, "total": 5, "totalPages": 3}
    assert len(page["data"]) == 2 and all(r["bankAccount"].startswith("*****") for r in page["data"])
    capped = (await s.http.get("/api/recipients?limit=500")).json()["pagination"]
    assert capped["limit"] == 50
    assert (await s.http.get("/api/recipients?page=abc")).status_code == 400
    huge = await s.http.get("/api/recipients?page=99999999999999999999999&limit=-3")
    assert huge.status_code == 200 and huge.json()["data"] == [] and huge.json()["pagination"]["limit"] == 1
    for odd in ("\u0661", "\uff12", "\u00b2", "+1", " 1", "1e3", "1_0", "0x1"):  # int() read most of them
        assert (await s.http.get("/api/recipients", params={"page": odd})).status_code == 400, odd
    far = (await s.http.get("/api/recipients", params={"page": "9" * 5000, "limit": "-" + "9" * 5000})).json()
    assert far["pagination"]["page"] == 1_000_000 and far["pagination"]["limit"] == 1  # clamped, however far
    gone = await s.http.delete(f"/api/recipients/{created[0]['id']}")
    assert gone.status_code == 204 and gone.content == b""
    again = await s.http.delete(f"/api/recipients/{created[0]['id']}")
    assert again.status_code == 404 and again.json()["error"] == "not_found"
    other = await new_session()
    assert (await other.http.delete(f"/api/recipients/{created[1]['id']}")).status_code == 404
    assert (await s.http.get("/api/recipients")).json()["pagination"]["total"] == 4


async def test_recipient_validation(new_session: SessionFactory) -> None:
    s = await new_session()
    resp = await s.http.post("/api/recipients", json={"name": "", "country": "US", "currency": "USD"})
    assert resp.status_code == 422
    assert {d["field"] for d in resp.json()["details"]} == {"name", "country", "bankAccount"}
    wrong = await s.http.post("/api/recipients", json={**RECIPIENT, "currency": "EUR"})
    assert wrong.status_code == 422 and wrong.json()["details"][0]["field"] == "currency"
    long_bank = await s.http.post("/api/recipients", json={**RECIPIENT, "bankName": "<b>Banka</b> " + "x" * 400})
    assert long_bank.status_code == 201 and len(long_bank.json()["data"]["bankName"]) == 200
    assert "<b>" not in long_bank.json()["data"]["bankName"]


async def test_rates_all_from_nok(app_client: AsyncTestClient) -> None:
    resp = await app_client.get("/api/rates")
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert data["baseCurrency"] == "NOK"
    assert set(data["rates"]) == {"RSD", "BAM", "PLN", "PKR", "TRY", "EUR"}
    assert all(isinstance(v, float) and v > 0 for v in data["rates"].values())
    one = (await app_client.get("/api/rates/rsd")).json()["data"]
    assert one["currency"] == "RSD" and one["fee"] == 0.005 and one["rate"] == data["rates"]["RSD"]
    missing = await app_client.get("/api/rates/XYZ")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


async def test_notifications_mark_read_rules(new_session: SessionFactory) -> None:
    s = await new_session()
    assert (await s.http.get("/api/notifications")).json() == {"data": []}
    url = "/api/notifications"
    assert (await s.http.patch(url, json={})).status_code == 400
    too_many = [f"noti_{i:016x}" for i in range(101)]
    assert (await s.http.patch(url, json={"notificationIds": too_many})).status_code == 400
    bad = await s.http.patch(url, json={"notificationIds": ["noti_XYZ", "noti_0123456789abcdef"]})
    assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "notificationIds[0]"
    none = await s.http.patch(url, json={"notificationIds": ["noti_0123456789abcdef"]})
    assert none.status_code == 200 and none.json() == {"data": {"updated": 0}}


async def test_settings_defaults_and_whitelists(new_session: SessionFactory) -> None:
    s = await new_session()
    defaults = (await s.http.get("/api/settings")).json()
    assert defaults == {"data": {"currency": "NOK", "language": "nb", "pushEnabled": True, "emailEnabled": True}}
    bad = await s.http.patch("/api/settings", json={"currency": "JPY", "language": "de", "pushEnabled": "yes"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["details"]} == {"currency", "language", "pushEnabled"}
    ok = await s.http.patch("/api/settings", json={"currency": "EUR", "language": "bs", "emailEnabled": False})
    assert ok.json()["data"] == {"currency": "EUR", "language": "bs", "pushEnabled": True, "emailEnabled": False}
    assert (await s.http.get("/api/settings")).json() == ok.json()
