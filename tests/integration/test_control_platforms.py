"""/_sandbox/platforms: QA changes a platform's run-time settings without touching its tables."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from app.runtime import Sandbox


def sandbox_of(client: AsyncTestClient) -> Sandbox:
    return client.app.state.registry.default  # type: ignore[no-any-return]


async def test_list_read_and_change_platform_settings(client: AsyncTestClient) -> None:
    listed = (await client.get("/_sandbox/platforms")).json()["platforms"]
    assert [p["platform"] for p in listed] == ["drop", "tribble"]
    tribble = (await client.get("/_sandbox/platforms/tribble")).json()
    assert tribble["settings"] == {"kyc_review_seconds": 60.0} and "kyc_review_seconds" in tribble["description"]
    resp = await client.put("/_sandbox/platforms/tribble", json={"kyc_review_seconds": 0})
    assert resp.status_code == 200, resp.text
    assert resp.json()["settings"] == {"kyc_review_seconds": 0.0}
    from app.platforms.tribble.kyc import review_delay

    assert await review_delay(sandbox_of(client)) == 0.0
    drop = (await client.get("/_sandbox/platforms/drop")).json()["settings"]
    assert drop["cards"] is False and drop["notifications"] is True
    changed = (await client.put("/_sandbox/platforms/drop", json={"cards": True, "notifications": False})).json()
    assert changed["settings"]["cards"] is True and changed["settings"]["notifications"] is False
    assert (await client.get("/_sandbox/platforms/drop")).json()["settings"] == changed["settings"]


async def test_bad_platform_settings_are_refused_in_the_control_envelope(client: AsyncTestClient) -> None:
    for platform, body in (
        ("tribble", {"kyc_review_seconds": -1}),
        ("tribble", {"kyc_review_seconds": "soon"}),
        ("tribble", {"kyc_review_seconds": True}),
        ("tribble", {"other": 1}),
        ("drop", {"cards": "yes"}),
        ("drop", {"teleport": True}),
        ("drop", {}),
        ("drop", [1, 2]),
    ):
        resp = await client.put(f"/_sandbox/platforms/{platform}", json=body)
        assert resp.status_code == 400, (platform, body, resp.text)
        assert set(resp.json()) >= {"error", "message"}, resp.text
    resp = await client.put(
        "/_sandbox/platforms/drop", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 400, resp.text
    missing = await client.get("/_sandbox/platforms/cashier")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    # Nothing changed on the way.
    assert (await client.get("/_sandbox/platforms/tribble")).json()["settings"] == {"kyc_review_seconds": 60.0}
    assert (await client.get("/_sandbox/platforms/drop")).json()["settings"]["cards"] is False
