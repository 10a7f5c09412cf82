"""Identity users on a real SQLite file: registration, login, lookups, profile, KYC, roles, deletion."""

from __future__ import annotations

import asyncio

import pytest

from app.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app.runtime import Sandbox


async def _alice(sandbox: Sandbox, **kw: object):
    return await sandbox.identity.register(
        "Alice@Example.com", "s3cret-pass", first_name="Alice", last_name="Smith", phone="+14155550100", **kw
    )


async def test_register_and_authenticate(sandbox: Sandbox) -> None:
    user = await _alice(sandbox, date_of_birth="1990-01-02", country="US")
    assert user.id > 0 and user.status == "active" and user.kyc_status == "pending" and user.kyc_tier == 0
    assert user.roles == frozenset({"user"}) and user.full_name == "Alice Smith"
    assert user.drop_id.startswith("usr_") and len(user.drop_id) == 20
    assert user.profile_id.startswith("prf_") and user.twallet_account_id == f"TW{user.id:010d}"
    logged = await sandbox.identity.authenticate("alice@EXAMPLE.com", "s3cret-pass")
    assert logged.id == user.id and logged.last_login_at is not None
    row = await sandbox.db.fetchone("SELECT password_hash FROM users WHERE id = ?", (user.id,))
    assert row is not None and row[0].startswith("$2") and "s3cret-pass" not in row[0]


async def test_lookups(sandbox: Sandbox) -> None:
    user = await _alice(sandbox)
    ident = sandbox.identity
    assert (await ident.get_user(user.id)) == user
    assert (await ident.by_uuid(user.uuid)) == user
    assert (await ident.by_email("ALICE@example.com")) == user
    assert (await ident.by_phone("+14155550100")) == user
    assert (await ident.by_drop_id(user.drop_id)) == user
    assert (await ident.by_profile_id(user.profile_id)) == user
    assert (await ident.by_twallet_account_id(user.twallet_account_id)) == user
    assert await ident.get_user(99999) is None
    assert await ident.by_email("nobody@example.com") is None
    assert await ident.by_twallet_account_id("garbage") is None


async def test_duplicates_rejected(sandbox: Sandbox) -> None:
    await _alice(sandbox)
    with pytest.raises(Conflict) as exc:
        await sandbox.identity.register("alice@example.COM", "x1234567", first_name="A", last_name="B")
    assert exc.value.code == "email_taken"
    with pytest.raises(Conflict) as exc:
        await sandbox.identity.register(
            "bob@example.com", "x1234567", first_name="B", last_name="B", phone="+14155550100"
        )
    assert exc.value.code == "phone_taken"


async def test_concurrent_registrations_same_email_one_wins(sandbox: Sandbox) -> None:
    results = await asyncio.gather(
        *[sandbox.identity.register("race@example.com", "pw123456", first_name="R", last_name="C") for i in range(6)],
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 5
    rows = await sandbox.db.fetchall("SELECT id FROM users WHERE email_norm = 'race@example.com'")
    assert len(rows) == 1


async def test_invalid_registration_input(sandbox: Sandbox) -> None:
    with pytest.raises(ValidationFailed):
        await sandbox.identity.register("not-an-email", "pw123456", first_name="A", last_name="B")
    with pytest.raises(ValidationFailed):
        await sandbox.identity.register("a@b.com", "", first_name="A", last_name="B")
    with pytest.raises(ValidationFailed):
        await sandbox.identity.register("a@b.com", "pw123456", first_name="A", last_name="B", kyc_tier=7)
    with pytest.raises(ValidationFailed):
        await sandbox.identity.register("a@b.com", "pw123456", first_name="A", last_name="B", roles=("god",))
    assert await sandbox.identity.by_email("a@b.com") is None


async def test_authenticate_failures(sandbox: Sandbox) -> None:
    user = await _alice(sandbox)
    with pytest.raises(NotFound) as nf:
        await sandbox.identity.authenticate("ghost@example.com", "whatever")
    assert nf.value.code == "user_not_found"
    with pytest.raises(NotFound):
        await sandbox.identity.authenticate(None, None)  # type: ignore[arg-type]
    with pytest.raises(Unauthorized):
        await sandbox.identity.authenticate("alice@example.com", None)  # type: ignore[arg-type]
    with pytest.raises(Unauthorized) as bad:
        await sandbox.identity.authenticate("alice@example.com", "wrong")
    assert bad.value.code == "invalid_credentials"
    for status, code in (("locked", "account_locked"), ("suspended", "account_suspended")):
        await sandbox.identity.set_status(user.id, status)
        with pytest.raises(Forbidden) as forbidden:
            await sandbox.identity.authenticate("alice@example.com", "s3cret-pass")
        assert forbidden.value.code == code
    await sandbox.identity.soft_delete(user.id)
    with pytest.raises(Forbidden) as deleted:
        await sandbox.identity.authenticate("alice@example.com", "s3cret-pass")
    assert deleted.value.code == "account_deleted"


async def test_profile_kyc_roles(sandbox: Sandbox) -> None:
    user = await _alice(sandbox)
    ident = sandbox.identity
    updated = await ident.update_profile(user.id, first_name="Alicia", country="KE", account_type="business")
    assert updated.first_name == "Alicia" and updated.country == "KE" and updated.account_type == "business"
    with pytest.raises(ValidationFailed):
        await ident.update_profile(user.id, password_hash="x")
    with pytest.raises(ValidationFailed):
        await ident.update_profile(user.id, account_type="alien")
    other = await ident.register("bob@example.com", "pw123456", first_name="Bob", last_name="B", phone="+14155550101")
    with pytest.raises(Conflict):
        await ident.update_profile(other.id, phone="+14155550100")
    kyc = await ident.set_kyc(user.id, "approved", 2)
    assert kyc.kyc_status == "approved" and kyc.kyc_tier == 2
    with pytest.raises(ValidationFailed):
        await ident.set_kyc(user.id, "maybe")
    with pytest.raises(ValidationFailed):
        await ident.set_kyc(user.id, "approved", 4)
    admin = await ident.add_role(user.id, "admin")
    assert admin.roles == frozenset({"user", "admin"}) and admin.role == "admin" and admin.is_admin
    ident.ensure_admin(admin)
    ident.ensure_owner(admin, other.id)  # admins see everything
    with pytest.raises(Forbidden):
        ident.ensure_admin(other)
    with pytest.raises(Forbidden):
        ident.ensure_owner(other, admin.id)
    ident.ensure_owner(other, other.id)
    with pytest.raises(NotFound):
        await ident.set_kyc(424242, "approved")


async def test_change_password(sandbox: Sandbox) -> None:
    user = await _alice(sandbox)
    pair = await sandbox.identity.issue_tokens(user, platform="tribble", ttl=3600, refresh_ttl=7200)
    with pytest.raises(Unauthorized):
        await sandbox.identity.change_password(user.id, "wrong", "new-pass-1")
    await sandbox.identity.change_password(user.id, "s3cret-pass", "new-pass-1")
    with pytest.raises(Unauthorized):
        await sandbox.identity.authenticate("alice@example.com", "s3cret-pass")
    assert (await sandbox.identity.authenticate("alice@example.com", "new-pass-1")).id == user.id
    with pytest.raises(Unauthorized) as exc:
        await sandbox.identity.verify_access(pair.access_token)
    assert exc.value.code == "token_revoked"


async def test_long_password_uses_all_characters(sandbox: Sandbox) -> None:
    long_pw = "a" * 100 + "1"
    await sandbox.identity.register("long@example.com", long_pw, first_name="L", last_name="P")
    assert (await sandbox.identity.authenticate("long@example.com", long_pw)).email == "long@example.com"
    with pytest.raises(Unauthorized):
        await sandbox.identity.authenticate("long@example.com", "a" * 100 + "2")
