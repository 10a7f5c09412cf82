"""OTP challenges, TOTP, verification tokens and the sandbox inbox on a real SQLite file."""

from __future__ import annotations

import pyotp
import pytest

from app.core.errors import NotFound, ValidationFailed
from app.runtime import Sandbox


async def _user(sandbox: Sandbox, email: str = "otp@example.com", phone: str | None = "+919876543210"):
    return await sandbox.identity.register(email, "pw-123456", first_name="O", last_name="Tp", phone=phone)


async def _code_error(coro) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        await coro
    return exc.value.code


async def test_otp_delivered_per_channel_and_verified(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    ident = sandbox.identity
    for channel, recipient in (("email", user.email), ("sms", user.phone), ("whatsapp", user.phone)):
        challenge = await ident.start_otp(user.id, f"login-{channel}", channel)
        assert challenge.id.startswith("ver_") and len(challenge.id) == 20
        assert len(challenge.code) == 6 and challenge.code.isdigit() and challenge.status == "pending"
        assert challenge.expires_at == pytest.approx(sandbox.clock.time() + 180, abs=2)
        assert challenge.recipient == recipient and "*" in challenge.recipient_masked
        [message] = await ident.inbox(to=recipient, purpose=f"login-{channel}")
        assert message.channel == channel and message.code == challenge.code and challenge.code in message.body
        token = await ident.verify_otp(user.id, f"login-{channel}", challenge.code)
        assert token.purpose == f"login-{channel}" and token.method == channel
        assert token.expires_at == pytest.approx(sandbox.clock.time() + 300, abs=2)
    assert len(await ident.inbox()) == 3
    assert user.phone and (await ident.inbox(to=user.phone))[0].channel == "whatsapp"  # newest first


async def test_otp_reuse_and_expiry(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    ident = sandbox.identity
    challenge = await ident.start_otp(user.id, "withdraw", "sms")
    await ident.verify_otp(user.id, "withdraw", challenge.code, challenge_id=challenge.id)
    assert await _code_error(ident.verify_otp(user.id, "withdraw", challenge.code)) == "invalid_otp"
    assert await _code_error(ident.verify_otp(user.id, "withdraw", challenge.code, challenge_id=challenge.id)) == (
        "invalid_otp"
    )
    late = await ident.start_otp(user.id, "withdraw", "sms")
    sandbox.clock.advance(181)
    assert await _code_error(ident.verify_otp(user.id, "withdraw", late.code)) == "otp_expired"
    assert await ident.pending_challenges(user.id) == []


async def test_otp_brute_force_lockout(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    ident = sandbox.identity
    challenge = await ident.start_otp(user.id, "login", "email")
    wrong = "000000" if challenge.code != "000000" else "111111"
    remaining = []
    for _ in range(4):
        with pytest.raises(ValidationFailed) as exc:
            await ident.verify_otp(user.id, "login", wrong)
        assert exc.value.code == "invalid_otp"
        remaining.append(exc.value.details["attempts_remaining"])
    assert remaining == [4, 3, 2, 1]
    assert await _code_error(ident.verify_otp(user.id, "login", wrong)) == "otp_locked"
    # Dead: even the right code no longer works.
    assert await _code_error(ident.verify_otp(user.id, "login", challenge.code)) == "otp_locked"
    row = await sandbox.db.fetchone("SELECT status, failures FROM otp_challenges WHERE id = ?", (challenge.id,))
    assert row is not None and tuple(row) == ("locked", 5)
    # A new challenge works again.
    fresh = await ident.start_otp(user.id, "login", "email")
    await ident.verify_otp(user.id, "login", fresh.code)


async def test_new_challenge_supersedes_old_and_pending_list(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    ident = sandbox.identity
    old = await ident.start_otp(user.id, "login", "user_admin")
    new = await ident.start_otp(user.id, "login", "user_admin")
    other = await ident.start_otp(user.id, "transfer", "user_admin")
    pending = await ident.pending_challenges(user.id)
    assert [c.id for c in pending] == [other.id, new.id]
    assert await ident.inbox() == []  # user_admin codes are read in the portal, not delivered
    if old.code != new.code:
        assert await _code_error(ident.verify_otp(user.id, "login", old.code)) == "invalid_otp"
    await ident.verify_otp(user.id, "login", new.code)


async def test_otp_bad_input(sandbox: Sandbox) -> None:
    user = await _user(sandbox, phone=None)
    ident = sandbox.identity
    assert await _code_error(ident.start_otp(user.id, "login", "pigeon")) == "validation_error"
    assert await _code_error(ident.start_otp(user.id, "login", "sms")) == "phone_missing"
    with pytest.raises(NotFound):
        await ident.start_otp(987654, "login", "email")
    assert await _code_error(ident.verify_otp(user.id, "nothing-started", "123456")) == "invalid_otp"
    await ident.soft_delete(user.id)
    with pytest.raises(NotFound):
        await ident.start_otp(user.id, "login", "email")


async def test_verification_token_single_use_and_bound(sandbox: Sandbox) -> None:
    alice = await _user(sandbox)
    bob = await _user(sandbox, "bob@example.com", "+919876543211")
    ident = sandbox.identity
    challenge = await ident.start_otp(alice.id, "transfer", "sms")
    vt = await ident.verify_otp(alice.id, "transfer", challenge.code)
    assert await _code_error(ident.consume_verification_token(alice.id, "withdraw", vt.token)) == (
        "invalid_verification_token"
    )
    assert await _code_error(ident.consume_verification_token(bob.id, "transfer", vt.token)) == (
        "invalid_verification_token"
    )
    await ident.consume_verification_token(alice.id, "transfer", vt.token)
    assert await _code_error(ident.consume_verification_token(alice.id, "transfer", vt.token)) == (
        "invalid_verification_token"
    )
    challenge = await ident.start_otp(alice.id, "transfer", "sms")
    short = await ident.verify_otp(alice.id, "transfer", challenge.code, ttl=300)
    sandbox.clock.advance(301)
    assert await _code_error(ident.consume_verification_token(alice.id, "transfer", short.token)) == (
        "invalid_verification_token"
    )


async def test_totp(sandbox: Sandbox) -> None:
    user = await _user(sandbox)
    ident = sandbox.identity
    assert await _code_error(ident.verify_totp(user.id, "login", "123456")) == "totp_not_enabled"
    secret, uri = await ident.enable_totp(user.id)
    assert uri.startswith("otpauth://totp/") and secret in uri
    assert (await ident.get_user(user.id)).totp_enabled  # type: ignore[union-attr]
    sandbox.clock.freeze()
    code = pyotp.TOTP(secret).at(int(sandbox.clock.time()))
    assert await ident.current_totp(user.id) == code
    vt = await ident.verify_totp(user.id, "login", code)
    assert vt.method == "totp" and vt.purpose == "login"
    await ident.consume_verification_token(user.id, "login", vt.token)
    # Replaying the same code is refused; a wrong code too.
    assert await _code_error(ident.verify_totp(user.id, "login", code)) == "invalid_otp"
    assert await _code_error(ident.verify_totp(user.id, "login", "abcdef")) == "invalid_otp"
    # The next time step's code works; codes follow the sandbox clock.
    sandbox.clock.advance(30)
    await ident.verify_totp(user.id, "login", pyotp.TOTP(secret).at(int(sandbox.clock.time())))
    sandbox.clock.advance(3600)
    assert await _code_error(ident.verify_totp(user.id, "login", code)) == "invalid_otp"
    await ident.disable_totp(user.id)
    assert await _code_error(ident.verify_totp(user.id, "login", code)) == "totp_not_enabled"


async def test_deliver_and_inbox_filters(sandbox: Sandbox) -> None:
    ident = sandbox.identity
    first = await ident.deliver("email", "Someone@Example.com", "Welcome", "Hello there")
    second = await ident.deliver("sms", "+15550001", "", "Your code 123456", code="123456", purpose="signup")
    assert second > first
    assert [m.id for m in await ident.inbox(to="someone@example.com")] == [first]
    [sms] = await ident.inbox(purpose="signup")
    assert sms.code == "123456" and sms.to == "+15550001"
    assert len(await ident.inbox(limit=1)) == 1
