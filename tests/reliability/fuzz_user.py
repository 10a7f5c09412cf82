"""The user the Schemathesis runs act as: registered through Drop, with the state generated requests need."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx


def fuzz_user_token(base_url: str, db: Path | None = None) -> str:
    """A Drop session token (accepted by every platform) of a user with a Nivo wallet, a Drop and a Tribble
    merchant; with ``db``, Drop's feature-flagged routes (cards, ...) are switched on too."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        reg = http.post(
            "/api/auth/register",
            json={
                "email": "fuzz@example.com",
                "password": "secret123",
                "firstName": "Fuzz",
                "lastName": "Tester",
                "dateOfBirth": "1990-01-01",
            },
        )
        assert reg.status_code == 201, reg.text
        token = reg.cookies["drop_token"]
        auth = {"Authorization": f"Bearer {token}"}
        # State that lets generated requests get past "no wallet" / "not a merchant" / "feature off":
        # a Nivo wallet, a Drop merchant, a Tribble merchant and Drop's card routes switched on.
        http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=auth)
        http.post(
            "/api/merchants/register",
            headers=auth,
            json={"businessName": "Fuzz Shop", "orgNumber": "987654321", "bankAccount": "1503.10.00012"},
        )
        http.post(
            "/api/v1/merchants/register",
            headers=auth,
            json={"businessName": "Fuzz Shop", "entityType": "sole_proprietor", "taxId": "FUZZ-123456"},
        )
        http.cookies.clear()
    if db is not None:
        conn = sqlite3.connect(db, timeout=30)
        conn.execute("UPDATE drop_feature_flags SET enabled = 1")
        conn.commit()
        conn.close()
    return token
