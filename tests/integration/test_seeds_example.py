"""A server started on a copy of sandbox.db.example serves the documented demo data."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from app.platforms import PLATFORMS
from app.settings import DEFAULT_EXAMPLE_DB, Settings
from seeds.constants import DEMO_PASSWORD
from tests.support.server import LiveServer


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    db = tmp_path / "sandbox.db"
    shutil.copyfile(DEFAULT_EXAMPLE_DB, db)
    return Settings.load(
        env={},
        db=db,
        example_db=DEFAULT_EXAMPLE_DB,
        bcrypt_rounds=4,
        rate_limits=False,
        workspaces_dir=tmp_path / "workspaces",
    )


async def test_example_database_serves_alice_with_history(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        if "tribble" in PLATFORMS:
            login = await http.post(
                "/api/v1/auth/login", json={"email": "alice@paysandbox.test", "password": DEMO_PASSWORD}
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
            wallets = await http.get("/api/v1/wallets", headers=headers)
            assert wallets.status_code == 200, wallets.text
            transactions = await http.get("/api/v1/transactions", headers=headers)
            assert transactions.status_code == 200, transactions.text
            assert "txn-" in transactions.text
        if "drop" in PLATFORMS:
            login = await http.post(
                "/api/auth/login", json={"email": "alice@paysandbox.test", "password": DEMO_PASSWORD}
            )
            assert login.status_code == 200, login.text
            token = login.cookies.get("drop_token")
            history = await http.get("/api/transactions", headers={"Authorization": f"Bearer {token}"})
            assert history.status_code == 200, history.text
            assert history.json()["data"], history.text
    assert (await live.sandbox.ledger.check()).ok


async def test_admin_resolves_bobs_open_dispute_from_the_example(live: LiveServer) -> None:
    if "tribble" not in PLATFORMS:
        pytest.skip("Tribble is not registered")
    dispute = await live.sandbox.db.fetchone(
        "SELECT d.id, d.amount, d.customer_user_id FROM tribble_disputes d "
        "JOIN users u ON u.id = d.customer_user_id WHERE u.email = 'bob@paysandbox.test' AND d.status = 'OPEN'"
    )
    assert dispute is not None
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as http:
        login = await http.post(
            "/api/v1/auth/login", json={"email": "admin@paysandbox.test", "password": DEMO_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        shown = await http.get(f"/api/v1/disputes/{dispute['id']}", headers=headers)
        assert shown.status_code == 200, shown.text
        resolved = await http.put(
            f"/api/v1/disputes/{dispute['id']}/resolution",
            headers=headers,
            json={"resolution": "APPROVED", "notes": "seeded dispute"},
        )
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["status"] == "RESOLVED"
    # The chargeback credits Bob's USD wallet with the disputed amount (his balance itself keeps moving:
    # the example's subscriptions renew on the server's clock).
    credited = await live.sandbox.db.fetchone(
        "SELECT e.amount FROM tribble_disputes d JOIN entries e ON e.journal_id = d.journal_id "
        "JOIN accounts a ON a.id = e.account_id "
        "WHERE d.id = ? AND e.side = 'C' AND a.owner_type = 'user' AND a.owner_id = ? AND a.currency = 'USD'",
        (dispute["id"], dispute["customer_user_id"]),
    )
    assert credited is not None and credited["amount"] == dispute["amount"]
    assert (await live.sandbox.ledger.check()).ok
