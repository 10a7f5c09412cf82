"""Refresh without logging the user out: the old access token lives on, a reuse within 30 s is answered.

A frontend refreshes while requests carrying the old access token are in flight, and an
interceptor may refresh again with the refresh token it just used. Rotation keeps the old access
token valid until it expires; a used refresh token presented again within the grace period
(30 s on the sandbox clock) gets the same new pair back; after it, reuse is theft and revokes
the whole session family. The sandbox clock is frozen and moved by the tests.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from app.platforms.tribble.security import ACCESS_TTL
from tests.contract.tribble.conftest import assert_error, register, sandbox_of

GRACE = 30  # seconds, as docs/platforms/tribble.md documents


async def _refresh(client: AsyncTestClient, refresh_token: str) -> Any:
    return await client.post("/api/v1/auth/refresh-token", json={"refreshToken": refresh_token})


async def _profile(client: AsyncTestClient, token: str) -> int:
    r = await client.get("/api/v1/users/profile", headers={"Authorization": f"Bearer {token}"})
    return r.status_code


async def test_old_access_token_stays_valid_until_it_expires(client: AsyncTestClient) -> None:
    clock = sandbox_of(client).clock
    clock.freeze()
    user = await register(client)
    clock.advance(ACCESS_TTL - 600)  # late in the access token's life, as a frontend refreshes
    r = await _refresh(client, user.refresh)
    assert r.status_code == 200, r.text
    new_access = r.json()["accessToken"]
    assert await _profile(client, user.token) == 200  # an in-flight request with the old token
    assert await _profile(client, new_access) == 200
    clock.advance(600)
    assert_error(await client.get("/api/v1/users/profile", headers=user.headers), 401, "UNAUTHORIZED")
    assert await _profile(client, new_access) == 200


async def test_the_old_access_token_ends_with_its_session(client: AsyncTestClient) -> None:
    sandbox_of(client).clock.freeze()
    user = await register(client)
    new_access = (await _refresh(client, user.refresh)).json()["accessToken"]
    assert await _profile(client, user.token) == 200
    headers = {"Authorization": f"Bearer {new_access}"}
    assert (await client.post("/api/v1/auth/logout", json={}, headers=headers)).status_code == 200
    assert await _profile(client, new_access) == 401
    assert await _profile(client, user.token) == 401  # same session (token family)
    # Within the grace period, but the session is logged out: no pair is answered again.
    assert_error(await _refresh(client, user.refresh), 401, "UNAUTHORIZED")


async def test_reuse_within_the_grace_period_answers_the_same_pair_then_theft(client: AsyncTestClient) -> None:
    clock = sandbox_of(client).clock
    clock.freeze()
    user = await register(client)
    first = await _refresh(client, user.refresh)
    assert first.status_code == 200, first.text
    clock.advance(GRACE - 1)
    again = await _refresh(client, user.refresh)  # the interceptor's second refresh
    assert again.status_code == 200, again.text
    assert again.json() == first.json()  # the same new pair, not a second one
    for token in (user.token, first.json()["accessToken"]):
        assert await _profile(client, token) == 200  # nobody was logged out
    # The new refresh token rotates as usual.
    third = (await _refresh(client, first.json()["refreshToken"])).json()
    assert await _profile(client, third["accessToken"]) == 200

    # GRACE seconds after its first use the old refresh token is stolen: the family dies.
    clock.advance(1)
    assert_error(await _refresh(client, user.refresh), 401, "UNAUTHORIZED")
    for token in (user.token, first.json()["accessToken"], third["accessToken"]):
        assert await _profile(client, token) == 401
    assert_error(await _refresh(client, third["refreshToken"]), 401, "UNAUTHORIZED")
