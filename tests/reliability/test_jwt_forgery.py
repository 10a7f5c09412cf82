"""Forged, expired, revoked and foreign tokens are refused by every platform, in its own envelope.

Forgeries are built from a real token: ``alg: none`` (with and without the original signature),
signed with the wrong key, payload swapped for another user's keeping the signature, garbage,
expired (``/_sandbox/tokens`` with ``expires_in: -1``), revoked (Drop logout), and a token from
another workspace. REST platforms answer 401 (T-Wallet: 403 invalid, 498 expired, as documented)
in their envelope; Cashier sends ``unauthorized`` and closes the socket with 4401.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import jwt
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.reliability.drop_api import register
from tests.reliability.envelopes import PROBES, assert_envelope, auth_headers
from tests.support.server import LiveServer


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header_b64, payload_b64, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header_b64))),
        json.loads(base64.urlsafe_b64decode(pad(payload_b64))),
        signature,
    )


def forgeries(token: str, victim_claims: dict[str, Any]) -> dict[str, str]:
    header, claims, signature = _parts(token)
    stolen = {**claims, "sub": victim_claims["sub"], "uid": victim_claims["uid"]}
    return {
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "alg_none_signed": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.{signature}",
        "alg_NONE_victim": f"{_b64({'alg': 'NONE', 'typ': 'JWT'})}.{_b64(stolen)}.",
        "wrong_key": jwt.encode(claims, "not-the-sandbox-secret-but-long-enough-for-hmac-sha256", algorithm="HS256"),
        "hs512_wrong_key": jwt.encode(claims, "x" * 64, algorithm="HS512"),
        "victim_payload_kept_signature": f"{_b64(header)}.{_b64(stolen)}.{signature}",
        "far_future_exp": f"{_b64(header)}.{_b64({**claims, 'exp': 4102444800})}.{signature}",
        "refresh_typ": f"{_b64(header)}.{_b64({**claims, 'typ': 'refresh'})}.{signature}",
        "garbage": "not.a.jwt",
        "empty_segments": "..",
    }


async def _mint(http: httpx.AsyncClient, email: str, expires_in: int, workspace: str | None = None) -> str:
    headers = {"X-Sandbox-Workspace": workspace} if workspace else {}
    resp = await http.post("/_sandbox/tokens", json={"email": email, "expires_in": expires_in}, headers=headers)
    assert resp.status_code == 201, resp.text
    token: str = resp.json()["access_token"]
    return token


async def _refused_rest(http: httpx.AsyncClient, token: str, case: str, expired: bool = False) -> None:
    for platform, (method, path) in PROBES.items():
        resp = await http.request(method, path, headers=auth_headers(platform, token))
        expected = {401} if platform != "twallet" else ({498} if expired else {403})
        assert resp.status_code in expected, (case, platform, resp.status_code, resp.text)
        assert_envelope(resp, platform)


async def _refused_ws(live: LiveServer, token: str, case: str) -> None:
    async with connect(f"{live.ws_url}/cashier/svc/ws", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert first["type"] == "error" and first["data"]["message"] == "unauthorized", (case, first)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401, case


async def test_valid_token_is_accepted_everywhere(http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, "jwtok")
    for platform, (method, path) in PROBES.items():
        resp = await http.request(method, path, headers=auth_headers(platform, user.token))
        assert resp.status_code == 200, (platform, resp.status_code, resp.text)
    async with connect(
        f"{live.ws_url}/cashier/svc/ws", additional_headers={"Authorization": f"Bearer {user.token}"}
    ) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connected"


async def test_forged_tokens_are_refused(http: httpx.AsyncClient, live: LiveServer) -> None:
    attacker = await register(http, "jwtattacker")
    victim = await register(http, "jwtvictim")
    _, victim_claims, _ = _parts(victim.token)
    for case, token in forgeries(attacker.token, victim_claims).items():
        await _refused_rest(http, token, case)
        await _refused_ws(live, token, case)


async def test_expired_token_is_refused(http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, "jwtexpired")
    token = await _mint(http, user.email, -1)
    await _refused_rest(http, token, "expired", expired=True)
    await _refused_ws(live, token, "expired")


async def test_revoked_token_is_refused(http: httpx.AsyncClient, live: LiveServer) -> None:
    user = await register(http, "jwtrevoked")
    out = await http.post("/api/auth/logout", headers=user.auth)
    assert out.status_code == 200, out.text
    http.cookies.clear()
    await _refused_rest(http, user.token, "revoked")
    await _refused_ws(live, user.token, "revoked")


async def test_another_workspaces_token_is_refused(http: httpx.AsyncClient, live: LiveServer) -> None:
    home = await register(http, "jwthome")
    created = await http.post("/_sandbox/workspaces", json={"name": "rel-other"})
    assert created.status_code == 201, created.text
    # The same email and (likely) the same numeric id exist in the other workspace: only the token's
    # workspace claim and the other workspace's own secret tell them apart.
    other = await http.post(
        "/api/auth/register",
        headers={"X-Sandbox-Workspace": "rel-other"},
        json={
            "email": home.email,
            "password": "secret123",
            "firstName": "Ana",
            "lastName": "Other",
            "dateOfBirth": "1990-04-12",
        },
    )
    assert other.status_code == 201, other.text
    http.cookies.clear()
    foreign = await _mint(http, home.email, 3600, workspace="rel-other")
    await _refused_rest(http, foreign, "other_workspace")
    await _refused_ws(live, foreign, "other_workspace")
    # And the default workspace's token is refused inside the other workspace.
    resp = await http.get("/api/auth/me", headers={**home.auth, "X-Sandbox-Workspace": "rel-other"})
    assert resp.status_code == 401 and assert_envelope(resp, "drop") == "unauthorized"


async def test_tokens_expire_on_the_sandbox_clock(http: httpx.AsyncClient, live: LiveServer) -> None:
    """A token minted for an hour works until the sandbox clock passes its expiry, then is refused everywhere."""
    user = await register(http, "jwtclock")
    token = await _mint(http, user.email, 3600)
    for platform, (method, path) in PROBES.items():
        assert (await http.request(method, path, headers=auth_headers(platform, token))).status_code == 200
    assert (await http.post("/_sandbox/clock/advance", json={"seconds": 3601})).status_code == 200
    await _refused_rest(http, token, "clock_expired", expired=True)
    await _refused_ws(live, token, "clock_expired")
