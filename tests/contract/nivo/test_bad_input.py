"""Odd input anywhere gets an answer in Nivo's envelope: never a 500, never a broken ledger."""

from __future__ import annotations

from typing import Any

from tests.contract.nivo.conftest import Nivo

BAD: list[Any] = [
    None,
    10**30,
    -(10**30),
    1e308,
    "1e5",
    " 5 ",
    "",
    [],
    {},
    "١٢٣",
    "0x10",
    "1_000",
    True,
    0.1 + 0.2,
    "9" * 40,
]


async def test_bad_inputs_never_500(nivo: Nivo) -> None:
    u = await nivo.user()
    w = await nivo.wallet(u, deposit="100.00")
    other = await nivo.user("B b")
    w2 = await nivo.wallet(other)
    paths = [
        ("POST", "/api/v1/transaction/transactions/deposit", lambda v: {"wallet_id": w, "amount": v}),
        ("POST", "/api/v1/transaction/transactions/withdrawal", lambda v: {"wallet_id": w, "amount": v}),
        (
            "POST",
            "/api/v1/transaction/transactions/transfer",
            lambda v: {"from_wallet_id": w, "to_wallet_id": w2, "amount": v},
        ),
        ("POST", f"/api/v1/wallet/wallets/{w}/deposit/upi", lambda v: {"amount": v, "upi_id": "a@paytm"}),
        ("POST", f"/api/v1/wallet/wallets/{w}/deposit/upi", lambda v: {"amount": 5, "upi_id": v}),
        ("POST", "/api/v1/wallet/wallets", lambda v: {"currency": v}),
        ("POST", "/api/v1/transaction/transactions/deposit", lambda v: {"wallet_id": v, "amount": "1"}),
        (
            "POST",
            "/api/v1/identity/auth/register",
            lambda v: {"email": v, "password": "x" * 10, "full_name": "A B", "phone": "+919999999999"},
        ),
        ("POST", "/api/v1/identity/auth/login", lambda v: {"email": v, "password": v}),
        ("POST", "/api/v1/wallet/beneficiaries", lambda v: {"phone": v, "nickname": v}),
        ("POST", "/api/v1/identity/verifications/ver_x/verify", lambda v: {"otp": v}),
        ("GET", f"/api/v1/transaction/wallets/{w}/spending-summary", None),
    ]
    bad = []
    for method, path, make in paths:
        for v in BAD:
            body = make(v) if make else None
            r = await nivo.call(
                method, path, u, body, params={"period": str(v), "date": str(v)} if method == "GET" else None
            )
            if r.status_code >= 500 or "success" not in r.json():
                bad.append((path, v, r.status_code, r.text[:200]))
    deep = "[" * 100_000 + "]" * 100_000
    hostile = [deep.encode(), ('{"amount": ' + deep + "}").encode(), b'{"wallet_id": "\xff\xfe", "amount": 1}']
    for raw in [b"", b"[]", b"null", b"{", b'"x"', b"\xff\xfe", b"\xc3\x28\xa0\xa1", *hostile]:
        r = await nivo.call(
            "POST",
            "/api/v1/transaction/transactions/deposit",
            u,
            content=raw,
            headers={"content-type": "application/json"},
        )
        if r.status_code >= 500 or "success" not in r.json():
            bad.append(("raw", raw, r.status_code, r.text[:200]))
    assert not bad
    assert (await nivo.sandbox.ledger.check()).ok
