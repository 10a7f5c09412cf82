"""Secrets never leak: not in responses (beyond the documented one-time display), not in the server's
logs at debug level, and card numbers never in the database file.

A real ``python -m app.cli serve`` subprocess with ``PAYSANDBOX_LOG_LEVEL=debug`` serves the flows:
sign-ups and logins with passwords (right and wrong), a password change, a Tribble card (number +
CVV), a Nivo virtual card (number + CVV shown once in the create response, as documented), a Drop
card PIN, a TOTP secret (shown once by the control API), an OTP (delivered to the inbox, then used)
and JWTs in query strings, cookies and WebSocket upgrade headers. Afterwards every response body,
the whole log and the database file (with its WAL) are searched.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.reliability.cashier_ws import cashier
from tests.reliability.envelopes import auth_headers
from tests.reliability.process import ServerProcess

pytestmark = pytest.mark.slow


def luhn_number(prefix: str, length: int = 16, rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


async def test_no_secret_in_responses_logs_or_database(tmp_path: Path) -> None:
    db = tmp_path / "secrets.db"
    tag = uuid.uuid4().hex[:10]
    passwords = {
        "drop": f"DropPw{tag}9",
        "tribble": f"TribPw!{tag}9A",
        "nivo": f"NivoPw!{tag}9A",
        "new": f"NewPw!{tag}9B",
        "wrong": f"WrongPw!{tag}",
    }
    card_number = luhn_number("453201", rng=random.Random(tag))
    cvv = "973"
    pin = "7391"
    bodies: list[tuple[str, str]] = []  # (what, response text)
    one_time: dict[str, str] = {}

    async def keep(resp: httpx.Response) -> None:
        await resp.aread()
        bodies.append((f"{resp.request.method} {resp.request.url.path}", resp.text))

    server = ServerProcess(db, log_level="debug", access_log=True).start()  # the access log is opt-in
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30, event_hooks={"response": [keep]}) as http:
            drop_email = f"sec.drop.{tag}@example.com"
            reg = await http.post(
                "/api/auth/register",
                json={
                    "email": drop_email,
                    "password": passwords["drop"],
                    "firstName": "Ana",
                    "lastName": "Secret",
                    "dateOfBirth": "1990-01-01",
                },
            )
            assert reg.status_code == 201, reg.text
            token = reg.cookies["drop_token"]
            http.cookies.clear()
            assert (
                await http.post("/api/auth/login", json={"email": drop_email, "password": passwords["wrong"]})
            ).status_code == 401
            trib = await http.post(
                "/api/v1/auth/register",
                json={
                    "email": f"sec.trib.{tag}@example.com",
                    "password": passwords["tribble"],
                    "firstName": "Tri",
                    "lastName": "Ble",
                    "phoneNumber": "+2348012345678",
                },
            )
            assert trib.status_code == 201, trib.text
            login = await http.post(
                "/api/v1/auth/login", json={"email": f"sec.trib.{tag}@example.com", "password": passwords["tribble"]}
            )
            assert login.status_code == 200, login.text
            trib_token = login.json().get("accessToken") or login.json()["data"]["accessToken"]
            th = auth_headers("tribble", trib_token)
            changed = await http.post(
                "/api/v1/users/change-password",
                headers=th,
                json={"currentPassword": passwords["tribble"], "newPassword": passwords["new"]},
            )
            assert changed.status_code == 200, changed.text
            nivo = await http.post(
                "/api/v1/identity/auth/register",
                json={
                    "email": f"sec.nivo.{tag}@example.com",
                    "password": passwords["nivo"],
                    "full_name": "Ni Vo",
                    "phone": "+919812345678",
                },
            )
            assert nivo.status_code == 201, nivo.text
            await http.post(
                "/api/v1/identity/auth/login",
                json={"email": f"sec.nivo.{tag}@example.com", "password": passwords["wrong"]},
            )

            # Tribble card: number and CVV go in, only the last four come back.
            login = await http.post(
                "/api/v1/auth/login", json={"email": f"sec.trib.{tag}@example.com", "password": passwords["new"]}
            )
            th = auth_headers("tribble", login.json().get("accessToken") or login.json()["data"]["accessToken"])
            pm = await http.post(
                "/api/v1/payment-methods",
                headers=th,
                json={
                    "type": "card",
                    "cardNumber": card_number,
                    "cardholderName": "Tri Ble",
                    "expiryMonth": 12,
                    "expiryYear": 2031,
                    "cvv": cvv,
                },
            )
            assert pm.status_code == 201, pm.text
            await http.get("/api/v1/payment-methods", headers=th)

            # Nivo virtual card: shown once on creation (documented), never again.
            nh = auth_headers("nivo", token)
            wallet = (await http.post("/api/v1/wallet/wallets", json={"currency": "INR"}, headers=nh)).json()
            wallet_id = wallet["data"]["id"]
            await http.post(f"/api/v1/wallet/wallets/{wallet_id}/activate", headers=nh)
            card = await http.post(f"/api/v1/wallet/wallets/{wallet_id}/cards", json={}, headers=nh)
            assert card.status_code == 201, card.text
            details = card.json()["data"]["details"]
            one_time["nivo_card"] = details["card_number"]
            one_time["nivo_cvv"] = details["cvv"]
            card_id = card.json()["data"]["card"]["id"]
            await http.get(f"/api/v1/wallet/wallets/{wallet_id}/cards", headers=nh)
            await http.get(f"/api/v1/wallet/cards/{card_id}", headers=nh)

            # Drop card PIN (cards are feature-flagged: switched on in the database, as documented).
            conn = sqlite3.connect(db, timeout=30)
            conn.execute("UPDATE drop_feature_flags SET enabled = 1 WHERE name IN ('cards', 'cardPin')")
            conn.commit()
            conn.close()
            dc = await http.post("/api/cards", headers={"Authorization": f"Bearer {token}"}, json={"type": "virtual"})
            assert dc.status_code == 201, dc.text
            drop_card = dc.json()["data"]["id"]
            set_pin = await http.post(
                f"/api/cards/{drop_card}/pin", headers={"Authorization": f"Bearer {token}"}, json={"pin": pin}
            )
            assert set_pin.status_code == 200, set_pin.text
            await http.get(f"/api/cards/{drop_card}", headers={"Authorization": f"Bearer {token}"})

            # TOTP secret: shown once by the control API.
            totp = await http.post(f"/_sandbox/users/{drop_email}/totp")
            assert totp.status_code == 200, totp.text
            one_time["totp"] = totp.json()["secret"]
            await http.get(f"/_sandbox/users/{drop_email}")

            # OTP: delivered to the inbox, used once, then never shown by the platforms.
            async with cashier(server.ws_url, token) as sock:
                sent = await sock.request("verification_request", {"method": "otp_email", "purpose": "withdrawal"})
                assert sent["type"] == "success", sent
                latest = await http.get("/_sandbox/inbox/latest", params={"to": drop_email, "purpose": "withdrawal"})
                one_time["otp"] = latest.json()["code"]
                used = await sock.request("verify_otp", {"code": one_time["otp"], "purpose": "withdrawal"})
                assert used["type"] == "success", used
                again = await sock.request("verify_otp", {"code": one_time["otp"], "purpose": "withdrawal"})
                assert again["type"] == "error", again
                bodies.append(("ws", json.dumps([sent, used, again])))
                totp_req = await sock.request("verification_request", {"method": "totp", "purpose": "withdrawal"})
                bodies.append(("ws totp", json.dumps(totp_req)))
            # A browser's Cashier socket carries the JWT in the query string; so may careless clients.
            async with connect(f"{server.ws_url}/cashier/svc/ws?token={token}") as browser:
                assert json.loads(await asyncio.wait_for(browser.recv(), 10))["type"] == "connected"
            await http.get("/api/auth/me", params={"token": token}, headers={"Cookie": f"drop_token={token}"})
            await http.get("/_sandbox/", params={"token": "control-token-in-a-url"})
            await asyncio.sleep(0)
    finally:
        server.terminate()

    allowed = {
        "nivo_card": ("POST /api/v1/wallet/wallets/",),
        "nivo_cvv": ("POST /api/v1/wallet/wallets/",),
        "totp": ("POST /_sandbox/users/",),
        "otp": ("GET /_sandbox/inbox/latest",),
    }
    secrets = {**{f"password:{k}": v for k, v in passwords.items()}, "card_number": card_number, **one_time}
    log_only = {"drop_jwt": token, "tribble_jwt": trib_token, "control_token": "control-token-in-a-url"}
    for what, text in bodies:
        for name, value in secrets.items():
            if value in text and not any(what.startswith(prefix) for prefix in allowed.get(name, ())):
                if name in ("nivo_cvv", "otp") and f'"{value}"' not in text:
                    continue  # a short number inside some other value (an id, a time)
                pytest.fail(f"{name} appears in the response to {what}: {text[:300]}")
    log = server.log()
    assert "POST /api/auth/login" in log, "the access log was not captured"
    for name, value in secrets.items():
        if name in ("nivo_cvv", "otp"):
            assert f'"{value}"' not in log and f"'{value}'" not in log, f"{name} in the log"
        else:
            assert value not in log, f"{name} in the server log"
    assert f'"{pin}"' not in log and f'"{cvv}"' not in log
    for name, value in log_only.items():  # JWTs in query strings, cookies and upgrade headers
        assert value not in log, f"{name} in the server log"
    assert "[redacted]" in log
    raw = b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())
    for name in ("card_number", "nivo_card", "password:drop", "password:tribble", "password:nivo", "password:new"):
        assert secrets[name].encode() not in raw, f"{name} is in the database file"


def test_log_redaction_hides_tokens_and_keeps_the_rest() -> None:
    from app.sandbox.log_redaction import redact

    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig-_x"
    assert redact(f'"WebSocket /cashier/svc/ws?token={jwt}&workspace=qa"') == (
        '"WebSocket /cashier/svc/ws?token=[redacted]&workspace=qa"'
    )
    assert redact(f"< authorization: Bearer {jwt}") == "< authorization: Bearer [redacted]"
    assert redact(f"< cookie: drop_token={jwt}; theme=dark") == "< cookie: drop_token=[redacted]; theme=dark"
    assert redact("GET /_sandbox/?token=s3cret HTTP/1.1") == "GET /_sandbox/?token=[redacted] HTTP/1.1"
    plain = 'GET /api/transactions?page=2&sort=amount HTTP/1.1" 200'
    assert redact(plain) == plain
