"""Pure token, OTP and id helpers (no database)."""

from __future__ import annotations

import jwt
import pytest

from app.core.errors import Unauthorized
from app.core.identity import otp, tokens
from app.core.identity.models import (
    drop_id_for,
    profile_id_for,
    twallet_account_id_for,
    user_id_from_twallet_account,
)

SECRET = "unit-test-secret-with-enough-length-000"


def _claims(exp: float) -> dict[str, object]:
    return {"sub": "s", "jti": "j", "exp": exp, "typ": "access"}


def test_decode_checks_expiry_against_given_clock() -> None:
    token = tokens.encode(_claims(1000), SECRET)
    assert tokens.decode(token, SECRET, now=999)["jti"] == "j"
    with pytest.raises(Unauthorized) as exc:
        tokens.decode(token, SECRET, now=1000)
    assert exc.value.code == "token_expired"


def test_decode_rejects_wrong_type_and_missing_claims() -> None:
    with pytest.raises(Unauthorized):
        tokens.decode(tokens.encode(_claims(1000), SECRET), SECRET, now=0, expected_type="refresh")
    with pytest.raises(Unauthorized):
        tokens.decode(jwt.encode({"sub": "s", "exp": 1000}, SECRET, algorithm="HS256"), SECRET, now=0)
    with pytest.raises(Unauthorized):
        tokens.decode(jwt.encode({"sub": "s", "jti": "j", "exp": "soon"}, SECRET, algorithm="HS256"), SECRET, now=0)


def test_ids_are_stable() -> None:
    uuid = "0123abcd-4567-89ef-0123-456789abcdef"
    assert drop_id_for(uuid) == "usr_0123abcd456789ef"
    assert profile_id_for(uuid) == "prf_0123456789abcdef"
    assert twallet_account_id_for(42) == "TW0000000042"
    assert user_id_from_twallet_account("TW0000000042") == 42
    assert user_id_from_twallet_account("TW42") is None


def test_masking_and_codes() -> None:
    assert otp.mask_email("alice@example.com") == "a****@example.com"
    assert otp.mask_phone("+919876543210") == "+91******3210"
    codes = {otp.new_code() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 1


def test_revocation_cache_prunes_expired() -> None:
    cache = tokens.RevocationCache()
    cache.add([("a", 100.0), ("b", 200.0)], now=0)
    assert "a" in cache and len(cache) == 2
    cache.prune(150)
    assert "a" not in cache and "b" in cache
