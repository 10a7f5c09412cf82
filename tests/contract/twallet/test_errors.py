"""Every documented T-Wallet error, plus input validation, over HTTP."""

from __future__ import annotations

import jwt
import pytest

from tests.contract.twallet.conftest import TWallet

ROUTES = [
    ("GET", "/profile/"),
    ("GET", "/profile/account/TW0000000001"),
    ("GET", "/contact?find=phone:46700000001"),
    ("POST", "/profile/send-to-profile"),
    ("GET", "/profile/payment_transaction?type=1"),
    ("POST", "/profile/contact"),
    ("GET", "/profile/contact"),
    ("DELETE", "/profile/contact/prf_0000000000000000"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_missing_or_blank_token_is_401(tw: TWallet, method: str, path: str) -> None:
    for headers in ({}, {"X-Authorization": ""}, {"X-Authorization": "   "}, {"X-Authorization": "Bearer "}):
        resp = await tw.http.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert resp.status_code == 401 and resp.text == "Unauthorized"


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_expired_token_is_498(tw: TWallet, method: str, path: str) -> None:
    user = await tw.user()
    tw.sandbox.clock.advance(3601)
    resp = await tw.http.request(method, path, headers=user.headers, json={} if method == "POST" else None)
    assert resp.status_code == 498 and resp.text == "Token has expired"


async def test_invalid_token_on_find_is_403_with_documented_body(tw: TWallet) -> None:
    user = await tw.user()
    claims = jwt.decode(user.token, options={"verify_signature": False})
    forged = jwt.encode(claims, "some-other-secret-that-is-32-bytes-long", algorithm="HS256")
    for token in ("garbage", forged, f"{user.token}x"):
        resp = await tw.http.get("/contact", params={"find": "phone:4670"}, headers={"X-Authorization": token})
        assert resp.status_code == 403 and resp.text == "find request requires user authentication"
    # A revoked (logged out) token is invalid too.
    principal = await tw.sandbox.identity.verify_access(user.token)
    await tw.sandbox.identity.revoke(principal.jti)
    resp = await tw.get("/contact", user, params={"find": "phone:4670"})
    assert resp.status_code == 403 and resp.text == "find request requires user authentication"


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if not r[1].startswith("/contact")])
async def test_invalid_token_elsewhere_is_403(tw: TWallet, method: str, path: str) -> None:
    resp = await tw.http.request(
        method, path, headers={"X-Authorization": "not.a.jwt"}, json={} if method == "POST" else None
    )
    assert resp.status_code == 403 and resp.text.endswith("request requires user authentication")


async def test_bearer_prefix_accepted(tw: TWallet) -> None:
    user = await tw.user()
    resp = await tw.http.get("/profile/", headers={"X-Authorization": f"Bearer {user.token}"})
    assert resp.status_code == 200 and resp.json()["profile_id"] == user.user.profile_id


async def test_deleted_user_token_refused(tw: TWallet) -> None:
    user = await tw.user()
    await tw.sandbox.identity.soft_delete(user.user.id)
    resp = await tw.get("/profile/", user)
    assert resp.status_code == 403


async def test_other_users_account_is_record_not_found(tw: TWallet) -> None:
    alice = await tw.user()
    bob = await tw.user("Bob", "Ek")
    await tw.fund(bob, "SEK", "500")
    for number in (bob.user.twallet_account_id, "TW9999999999", "nonsense"):
        resp = await tw.get(f"/profile/account/{number}", alice)
        assert resp.status_code == 400 and resp.json() == {"code": 400, "msg": ["record not found"]}
        assert "balances" not in resp.text


@pytest.mark.parametrize(
    ("find", "fragment"),
    [
        ("phone:+46700000001", "'+'"),
        ("phone:0046700000001", "'00'"),
        ("phone:46-70", "digits"),
        ("phone:", "digits"),
        ("email:a@b.com", "phone:<digits>"),
        ("", "find is required"),
    ],
)
async def test_find_contact_rejects_bad_phone(tw: TWallet, find: str, fragment: str) -> None:
    user = await tw.user()
    resp = await tw.get("/contact", user, params={"find": find})
    assert resp.status_code == 400
    assert fragment in resp.json()["msg"][0]


async def test_find_contact_unknown_is_404(tw: TWallet) -> None:
    user = await tw.user()
    resp = await tw.get("/contact", user, params={"find": "phone:46799999999"})
    assert resp.status_code == 404 and resp.json() == {"code": 404, "msg": ["record not found"]}
    assert (await tw.get("/contact", user)).status_code == 400  # no find at all


async def test_send_record_not_found_cases(tw: TWallet) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    other = await tw.user("Sara", "Holm")
    await tw.fund(sender, "SEK", "100")
    await tw.fund(other, "EUR", "100")
    base = {
        "from_account_id": sender.user.twallet_account_id,
        "to_profile_id": recipient.user.profile_id,
        "asset_key": "SEK",
        "amount": 1,
    }
    cases = [
        {**base, "from_account_id": other.user.twallet_account_id},  # not the sender's account
        {**base, "from_account_id": "TW0000000000"},
        {**base, "asset_key": "EUR"},  # an asset the sender lacks
        {**base, "asset_key": "XYZ"},
        {**base, "to_profile_id": "prf_ffffffffffffffff"},  # unknown recipient
    ]
    for body in cases:
        resp = await tw.post("/profile/send-to-profile", sender, body)
        assert resp.status_code == 400 and resp.json() == {"code": 400, "msg": ["record not found"]}, body
    assert (await tw.get("/profile/payment_transaction", sender)).json()["total"] == 0


async def test_send_to_self_refused(tw: TWallet) -> None:
    sender = await tw.user()
    await tw.fund(sender, "SEK", "100")
    resp = await tw.send(sender, sender, "SEK", 1)
    assert resp.status_code == 400 and "own profile" in resp.json()["msg"][0]


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        (0, "greater than 0"),
        (-5, "greater than 0"),
        ("1.234", "decimals"),
        (0.001, "decimals"),
        ("abc", "decimal number"),
        ("NaN", "decimal number"),
        (True, "amount"),
        (None, "amount"),
    ],
)
async def test_send_rejects_bad_amount(tw: TWallet, amount: object, fragment: str) -> None:
    sender = await tw.user()
    recipient = await tw.user("Erik", "Lund")
    await tw.fund(sender, "SEK", "100")
    resp = await tw.send(sender, recipient, "SEK", amount)
    assert resp.status_code == 400, resp.text
    assert fragment in " ".join(resp.json()["msg"])
    assert (await tw.balances(sender))["SEK"] == {"balance": 100.0, "available": 100.0, "pending": 0.0}


async def test_send_body_validation(tw: TWallet) -> None:
    sender = await tw.user()
    for body in ({}, {"from_account_id": "x"}, [], "text"):
        resp = await tw.post("/profile/send-to-profile", sender, body)
        assert resp.status_code == 400 and resp.json()["code"] == 400
    resp = await tw.http.post(
        "/profile/send-to-profile", headers={**sender.headers, "Content-Type": "application/json"}, content=b"{bad"
    )
    assert resp.status_code == 400


async def test_transaction_type_and_paging_validation(tw: TWallet) -> None:
    user = await tw.user()
    for params in ({"type": 9}, {"type": "x"}, {"page": 0}, {"limit": 1000}):
        resp = await tw.get("/profile/payment_transaction", user, params=params)
        assert resp.status_code == 400 and resp.json()["code"] == 400


async def test_contact_errors(tw: TWallet) -> None:
    user = await tw.user()
    resp = await tw.post("/profile/contact", user, {"profile_id": "prf_0000000000000000"})
    assert resp.status_code == 400 and resp.json() == {"code": 400, "msg": ["record not found"]}
    resp = await tw.post("/profile/contact", user, {"profile_id": user.user.profile_id})
    assert resp.status_code == 400
    resp = await tw.post("/profile/contact", user, {"first_name": "x"})
    assert resp.status_code == 400


async def test_unknown_path_and_method(tw: TWallet) -> None:
    user = await tw.user()
    resp = await tw.get("/profile/nothing-here", user)
    assert resp.status_code == 404 and resp.json() == {"code": 404, "msg": ["not found"]}
    resp = await tw.http.put("/profile/contact", headers=user.headers)
    assert resp.status_code == 405 and resp.json()["code"] == 405
