"""One identity, one session per platform: a platform's logout ends that platform's sessions only.

The same user logs in on Drop (two devices), Tribble and Nivo over HTTP. Drop's logout ("revokes
every session of the user", all devices) ends every Drop session and leaves the Tribble and Nivo
tokens working; Tribble's ``tokenId: "all"`` ends every Tribble session and leaves Drop and Nivo.
"""

from __future__ import annotations

from litestar.testing import AsyncTestClient

PASSWORD = "SecurePassword123!"
EMAIL = "everywhere@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _register(client: AsyncTestClient) -> None:
    body = {"email": EMAIL, "password": PASSWORD, "firstName": "Eve", "lastName": "Rywhere"}
    r = await client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 201, r.text


async def _tribble_login(client: AsyncTestClient) -> str:
    r = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["accessToken"])


async def _nivo_login(client: AsyncTestClient) -> str:
    r = await client.post("/api/v1/identity/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["token"])


async def _drop_login(client: AsyncTestClient) -> str:
    """A Drop login on its own device: the cookie's token, used as a Bearer token from then on."""
    r = await client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert r.status_code == 200, r.text
    token = str(r.cookies["drop_token"])
    client.cookies.clear()  # the next request authenticates with the token it names, not a jar
    return token


async def _works(client: AsyncTestClient, platform: str, token: str) -> bool:
    path = {"drop": "/api/auth/me", "tribble": "/api/v1/users/profile", "nivo": "/api/v1/wallet/wallets"}[platform]
    r = await client.get(path, headers=bearer(token))
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


async def test_drop_logout_ends_drop_sessions_only(client: AsyncTestClient) -> None:
    await _register(client)
    tribble, nivo = await _tribble_login(client), await _nivo_login(client)
    phone, laptop = await _drop_login(client), await _drop_login(client)
    for platform, token in (("tribble", tribble), ("nivo", nivo), ("drop", phone), ("drop", laptop)):
        assert await _works(client, platform, token), platform

    r = await client.post("/api/auth/logout", headers=bearer(phone))
    assert r.status_code == 200 and r.json() == {"message": "Logged out"}

    assert not await _works(client, "drop", phone)
    assert not await _works(client, "drop", laptop)  # all devices
    assert await _works(client, "tribble", tribble)
    assert await _works(client, "nivo", nivo)
    # The shared identity still accepts the surviving tokens on every platform, Drop included.
    assert await _works(client, "drop", tribble)
    assert await _works(client, "drop", await _drop_login(client))  # a new Drop login works


async def test_drop_logout_with_another_platforms_token_ends_that_session_too(client: AsyncTestClient) -> None:
    await _register(client)
    presented, other_tribble = await _tribble_login(client), await _tribble_login(client)
    drop, nivo = await _drop_login(client), await _nivo_login(client)

    assert (await client.post("/api/auth/logout", headers=bearer(presented))).status_code == 200

    assert not await _works(client, "tribble", presented)  # the token that logged out
    assert not await _works(client, "drop", drop)
    assert await _works(client, "tribble", other_tribble)
    assert await _works(client, "nivo", nivo)


async def test_tribble_logout_all_ends_tribble_sessions_only(client: AsyncTestClient) -> None:
    await _register(client)
    first, second = await _tribble_login(client), await _tribble_login(client)
    drop, nivo = await _drop_login(client), await _nivo_login(client)

    r = await client.post("/api/v1/auth/logout", json={"tokenId": "all"}, headers=bearer(first))
    assert r.status_code == 200, r.text

    assert not await _works(client, "tribble", first)
    assert not await _works(client, "tribble", second)
    assert await _works(client, "drop", drop)
    assert await _works(client, "nivo", nivo)


async def test_tribble_logout_cannot_name_another_platforms_session(client: AsyncTestClient) -> None:
    await _register(client)
    tribble, drop = await _tribble_login(client), await _drop_login(client)
    principal = await client.app.state.registry.default.identity.verify_access(drop)

    r = await client.post("/api/v1/auth/logout", json={"tokenId": principal.jti}, headers=bearer(tribble))
    assert r.status_code == 404 and r.json()["errorCode"] == "NOT_FOUND", r.text
    assert await _works(client, "drop", drop)
    assert await _works(client, "tribble", tribble)
