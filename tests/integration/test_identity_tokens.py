"""JWT sessions on a real SQLite file: issue, verify, expiry by the sandbox clock, refresh rotation,
reuse detection, logout, forged tokens, deleted users, persistence across restarts."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from app.core.errors import NotFound, Unauthorized
from app.runtime import Sandbox
from app.settings import Settings


async def _user(sandbox: Sandbox, email: str = "tok@example.com"):
    return await sandbox.identity.register(email, "pw-123456", first_name="Tok", last_name="En")


async def _reject(sandbox: Sandbox, token: str, code: str) -> None:
    with pytest.raises(Unauthorized) as exc:
        await sandbox.identity.verify_access(token)
    assert exc.value.code == code, exc.value.message


async def test_issue_and_verify_claims(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(
        user, platform="tribble", ttl=86400, refresh_ttl=604800, extra_claims={"device": "d1", "sub": "evil"}
    )
    assert pair.refresh_token and pair.ttl == 86400
    principal = await sandbox.identity.verify_access(pair.access_token)
    claims = principal.claims
    assert principal.user.id == user.id and principal.jti == pair.jti and principal.scope == "full"
    assert claims["sub"] == user.uuid and claims["uid"] == user.id and claims["role"] == "user"
    assert claims["plat"] == "tribble" and claims["ws"] == sandbox.name and claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 86400 and claims["device"] == "d1"
    assert pair.expires_at == claims["exp"]
    assert jwt.get_unverified_header(pair.access_token)["alg"] == "HS256"
    # "Bearer " prefix is tolerated
    assert (await sandbox.identity.verify_access(f"Bearer {pair.access_token}")).user.id == user.id


async def test_expiry_follows_sandbox_clock(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="drop", ttl=60, refresh_ttl=120)
    sandbox.clock.advance(59)
    await sandbox.identity.verify_access(pair.access_token)
    sandbox.clock.advance(2)
    await _reject(sandbox, pair.access_token, "token_expired")
    pair2 = await sandbox.identity.refresh(pair.refresh_token or "", ttl=60, refresh_ttl=120)
    await sandbox.identity.verify_access(pair2.access_token)
    sandbox.clock.advance(121)
    with pytest.raises(Unauthorized) as exc:
        await sandbox.identity.refresh(pair2.refresh_token or "", ttl=60, refresh_ttl=120)
    assert exc.value.code == "token_expired"


async def test_refresh_rotates_and_reuse_kills_family(sandbox: Sandbox) -> None:
    sandbox.clock.freeze()
    user = await _user(sandbox)
    first = await sandbox.identity.issue_tokens(user, platform="nivo", ttl=900, refresh_ttl=3600)
    second = await sandbox.identity.refresh(first.refresh_token or "", ttl=900, refresh_ttl=3600)
    assert second.refresh_token != first.refresh_token and second.jti != first.jti
    await sandbox.identity.verify_access(second.access_token)
    await sandbox.identity.verify_access(first.access_token)  # the old access token lives until it expires
    # Reused within the grace period (an interceptor refreshing twice): the same pair again.
    sandbox.clock.advance(29)
    assert await sandbox.identity.refresh(first.refresh_token or "", ttl=900, refresh_ttl=3600) == second
    # Reused 30 s after its first use, the rotated refresh token is stolen: the whole family dies.
    sandbox.clock.advance(1)
    with pytest.raises(Unauthorized) as exc:
        await sandbox.identity.refresh(first.refresh_token or "", ttl=900, refresh_ttl=3600)
    assert exc.value.code == "token_revoked"
    await _reject(sandbox, first.access_token, "token_revoked")
    await _reject(sandbox, second.access_token, "token_revoked")
    with pytest.raises(Unauthorized):
        await sandbox.identity.refresh(second.refresh_token or "", ttl=900, refresh_ttl=3600)
    # A fresh login is unaffected.
    fresh = await sandbox.identity.issue_tokens(user, platform="nivo", ttl=900, refresh_ttl=3600)
    await sandbox.identity.verify_access(fresh.access_token)


async def test_access_token_is_not_a_refresh_token(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="nivo", ttl=900, refresh_ttl=3600)
    with pytest.raises(Unauthorized) as exc:
        await sandbox.identity.refresh(pair.access_token, ttl=900, refresh_ttl=3600)
    assert exc.value.code == "invalid_token"
    await _reject(sandbox, pair.refresh_token or "", "invalid_token")


async def test_logout_and_revoke_all(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    a = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=900, refresh_ttl=3600)
    b = await sandbox.identity.issue_tokens(user, platform="cashier", ttl=900)
    await sandbox.identity.revoke(a.jti)
    await _reject(sandbox, a.access_token, "token_revoked")
    with pytest.raises(Unauthorized):
        await sandbox.identity.refresh(a.refresh_token or "", ttl=900, refresh_ttl=3600)
    await sandbox.identity.verify_access(b.access_token)  # other sessions live on
    c = await sandbox.identity.issue_tokens(user, platform="drop", ttl=900)
    d = await sandbox.identity.issue_tokens(user, platform="drop", ttl=900)
    await sandbox.identity.revoke_platform(user.id, "drop")  # one platform's logout, every device
    await _reject(sandbox, c.access_token, "token_revoked")
    await _reject(sandbox, d.access_token, "token_revoked")
    await sandbox.identity.verify_access(b.access_token)  # another platform's session lives on
    await sandbox.identity.revoke_all(user.id)
    await _reject(sandbox, b.access_token, "token_revoked")
    await sandbox.identity.revoke("no-such-jti")  # harmless


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_forged_tokens_rejected(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=900)
    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    # alg: none
    none_token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    await _reject(sandbox, none_token, "invalid_token")
    # wrong key
    await _reject(sandbox, jwt.encode(claims, "not-the-secret-key-at-all-32bytes!", algorithm="HS256"), "invalid_token")
    # another algorithm with the right key
    await _reject(sandbox, jwt.encode(claims, sandbox.identity.secret, algorithm="HS512"), "invalid_token")
    # tampered payload, original signature
    header, _, signature = pair.access_token.split(".")
    tampered = f"{header}.{_b64({**claims, 'role': 'admin', 'uid': 999})}.{signature}"
    await _reject(sandbox, tampered, "invalid_token")
    # garbage
    for junk in ("", "abc", "a.b.c", "Bearer ", None):
        await _reject(sandbox, junk, "invalid_token")  # type: ignore[arg-type]


async def test_token_of_another_workspace_rejected(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=900)
    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    foreign = jwt.encode({**claims, "ws": "other"}, sandbox.identity.secret, algorithm="HS256")
    await _reject(sandbox, foreign, "invalid_token")


async def test_deleted_user_token_rejected(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="drop", ttl=900)
    deleted = await sandbox.identity.soft_delete(user.id)
    assert deleted.status == "deleted" and deleted.deleted_at is not None
    await _reject(sandbox, pair.access_token, "token_revoked")
    # Even a token signed with the right key for the deleted user (no revocation row) is refused.
    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    forged = jwt.encode({**claims, "jti": "fresh-jti"}, sandbox.identity.secret, algorithm="HS256")
    await _reject(sandbox, forged, "invalid_token")


async def test_mint_token(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    live = await sandbox.identity.mint_token("TOK@example.com", 120)
    assert (await sandbox.identity.verify_access(live.access_token)).user.id == user.id
    assert live.refresh_token is None
    for lifetime in (0, -30):
        dead = await sandbox.identity.mint_token("tok@example.com", lifetime)
        await _reject(sandbox, dead.access_token, "token_expired")
    with pytest.raises(NotFound):
        await sandbox.identity.mint_token("ghost@example.com", 60)


async def test_secret_and_revocations_survive_restart(settings: Settings) -> None:
    box = Sandbox(settings, settings.db)
    await box.start()
    try:
        user = await _user(box)
        kept = await box.identity.issue_tokens(user, platform="tribble", ttl=3600)
        gone = await box.identity.issue_tokens(user, platform="tribble", ttl=3600)
        await box.identity.revoke(gone.jti)
        secret = box.identity.secret
    finally:
        await box.stop()
    again = Sandbox(settings, settings.db)
    await again.start()
    try:
        assert again.identity.secret == secret
        assert (await again.identity.verify_access(kept.access_token)).user.id == user.id
        await _reject(again, gone.access_token, "token_revoked")
    finally:
        await again.stop()


async def test_configured_secret_overrides_database(settings: Settings) -> None:
    configured = settings.replace(jwt_secret="configured-secret-that-is-long-enough-1234")
    box = Sandbox(configured, configured.db)
    await box.start()
    try:
        user = await _user(box)
        pair = await box.identity.issue_tokens(user, platform="tribble", ttl=3600)
        jwt.decode(
            pair.access_token,
            "configured-secret-that-is-long-enough-1234",
            algorithms=["HS256"],
            options={"verify_exp": False},
        )
        assert pair.expires_at == int(box.clock.time()) + 3600 or pair.expires_at == int(box.clock.time()) + 3599
    finally:
        await box.stop()


async def test_verify_access_cache_never_serves_a_stale_user(sandbox) -> None:
    identity = sandbox.identity
    user = await identity.register("cache@example.com", "Sandbox123!", first_name="C", last_name="A")
    pair = await identity.issue_tokens(user, platform="tribble", ttl=3600)
    assert (await identity.verify_access(pair.access_token)).user.kyc_status == "pending"
    await identity.set_kyc(user.id, "approved", 2)
    principal = await identity.verify_access(pair.access_token)
    assert principal.user.kyc_status == "approved" and principal.user.kyc_tier == 2
    await identity.revoke(pair.jti)
    try:
        await identity.verify_access(pair.access_token)
    except Exception as exc:
        assert getattr(exc, "code", "") == "token_revoked"
    else:
        raise AssertionError("a revoked token was accepted from the cache")
    fresh = await identity.issue_tokens(user, platform="tribble", ttl=60)
    await identity.verify_access(fresh.access_token)
    sandbox.clock.advance(61)
    try:
        await identity.verify_access(fresh.access_token)
    except Exception as exc:
        assert getattr(exc, "code", "") == "token_expired"
    else:
        raise AssertionError("an expired token was accepted from the cache")


async def test_list_users_and_session_owner(sandbox: Sandbox) -> None:
    ident = sandbox.identity
    first = await ident.register("first@example.com", "pw-123456", first_name="Ada", last_name="One")
    second = await ident.register("second@example.com", "pw-123456", first_name="Bo", last_name="Two")
    newest = await ident.list_users(limit=2)
    assert [u.id for u in newest] == [second.id, first.id]
    assert [u.id for u in await ident.list_users(query="Ada")] == [first.id]
    assert [u.id for u in await ident.list_users(limit=1)] == [second.id]
    assert await ident.list_users(query="nobody-like-this") == []
    pair = await ident.issue_tokens(first, platform="test", ttl=600)
    assert await ident.session_owner(pair.jti) == first.id
    assert await ident.session_owner("no-such-jti") is None
