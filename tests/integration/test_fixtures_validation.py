"""Fixture documents that are wrong: every error at once with its path, and nothing applied.

Also the doors (JSON and YAML bodies, ``?dry_run``, ``GET /_sandbox/fixtures``, the CLI), a refusal
only the platform can see (409, the items before it kept, the rest after a fix), and two racing
applies of one document (built once, ledger invariants hold).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from app.cli import main as cli_main
from app.settings import REPO_ROOT
from tests.reliability.ledger_file import assert_invariants, rows
from tests.support.server import LiveServer

YAML = {"Content-Type": "application/yaml"}
BAD = """
clock: {start: yesterday}
users:
  alice:
    email: alice@example.com
    password: Alice-pass-1
    first_name: Alice
    last_name: A
    phone: +919800000001
    kyc: {status: great, tier: 9}
    balances:
      - {currency: USD, amount: 12.5}
      - {currency: XYZ, amount: 1, platform: paypal}
  bob:
    email: bob@example.com
    colour: blue
tribble_payments:
  p1: {customer: "@nobody", merchant: "@bob", amount: 0, currency: USD}
tribble_cards:
  c: {owner: "@carol", number: "4242424242424241"}
nivo_beneficiaries:
  b: {owner: "@carol", beneficiary: "@dave", nickname: Dave}
users_extra: {}
"""
GOOD_USERS = {
    "carol": {
        "email": "carol@example.com",
        "password": "Carol-pass-1",
        "first_name": "Carol",
        "last_name": "C",
        "phone": "+254700000009",
    },
    "dave": {"email": "dave@example.com", "password": "Dave-pass-1", "first_name": "Dave", "last_name": "D"},
}


async def _post(client: Any, body: str | bytes | dict[str, Any], **params: Any) -> Any:
    if isinstance(body, dict):
        return await client.post("/_sandbox/fixtures", json=body, params=params)
    return await client.post("/_sandbox/fixtures", content=body, headers=YAML, params=params)


async def _user_count(client: AsyncTestClient) -> int:
    return len((await client.get("/_sandbox/users", params={"limit": 500})).json()["users"])


async def test_every_error_at_once_with_its_path_and_nothing_applied(client: AsyncTestClient) -> None:
    doc = BAD.replace("users:\n", "users:\n" + "".join(f"  {n}: {json.dumps(u)}\n" for n, u in GOOD_USERS.items()))
    resp = await _post(client, doc)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error"] == "fixture_invalid" and "nothing was applied" in body["message"]
    errors = {e["path"]: e["message"] for e in body["details"]["errors"]}
    assert set(errors) == {
        "clock.start",
        "users_extra",  # an unknown section is an error, never ignored
        "users.alice.phone",  # unquoted in YAML: a number
        "users.alice.kyc.status",
        "users.alice.kyc.tier",
        "users.alice.balances[0].amount",
        "users.alice.balances[1].currency",
        "users.alice.balances[1].platform",
        "users.bob.colour",
        "tribble_payments.p1.amount",
        "tribble_payments.p1.customer",
        "tribble_payments.p1.merchant",
        "tribble_cards.c.number",  # the rules beyond the shape run for the sound items too
        "nivo_beneficiaries.b.beneficiary",
    }, errors
    assert "quote it" in errors["users.alice.phone"]
    # Plain words (app.wording), never msgspec's own ("Expected `int`, got `str`").
    assert not [m for m in errors.values() if "Expected `" in m or "Object missing" in m], errors
    assert errors["users.alice.phone"].startswith("must be a string")
    assert errors["tribble_payments.p1.customer"] == "@nobody is not an item of this document"
    assert "this field takes tribble_merchants" in errors["tribble_payments.p1.merchant"]
    assert "Luhn" in errors["tribble_cards.c.number"]
    assert "+91" in errors["nivo_beneficiaries.b.beneficiary"]
    assert "unknown section" in errors["users_extra"] and "tribble_disputes" in errors["users_extra"]
    assert await _user_count(client) == 0  # carol and dave were valid, but nothing is applied


@pytest.mark.parametrize(
    ("body", "path", "text"),
    [
        (b"users: [", "$", "not valid YAML (line 1"),
        (b"- a\n- b\n", "$", "an object"),
        (b"\xff\xfe", "$", "not UTF-8"),
        (b"users: {a: 1}", "users.a", "must be an object"),
        (b"users: []", "users", "mapping"),
        (b"description: 5", "description", "string"),
    ],
)
async def test_unreadable_documents(client: AsyncTestClient, body: bytes, path: str, text: str) -> None:
    resp = await _post(client, body)
    assert resp.status_code == 400, resp.text
    (error,) = resp.json()["details"]["errors"]
    assert error["path"] == path and text in error["message"], error


async def test_json_body_dry_run_and_the_sections_listing(client: AsyncTestClient) -> None:
    bad_json = await client.post("/_sandbox/fixtures", content=b"{", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["details"]["errors"][0]["message"]
    dry = await _post(client, {"users": GOOD_USERS}, dry_run="true")
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and set(dry.json()["items"]) == {"carol", "dave"}
    assert await _user_count(client) == 0
    listing = (await client.get("/_sandbox/fixtures")).json()
    sections = {s["section"]: s for s in listing["sections"]}
    assert {
        "clock",
        "users",
        "tribble_payments",
        "cashier_withdrawals",
        "nivo_upi_deposits",
        "drop_bank_accounts",
    } <= set(sections)
    assert sections["tribble_payments"]["refs"]["card"] == ["tribble_cards"]
    assert "state" in sections["tribble_payments"]["schema"]["$defs"]["Payment"]["properties"]


async def test_an_existing_user_converges_and_keeps_what_the_item_leaves_out(client: AsyncTestClient) -> None:
    sandbox = client.app.state.registry.default
    user = await sandbox.identity.register(
        "old@example.com", "Old-pass-1", first_name="Old", last_name="Name", phone="+447700900001"
    )
    doc = {
        "users": {
            "old": {
                "email": "OLD@example.com",
                "first_name": "New",
                "kyc": {"status": "approved", "tier": 2},
                "roles": ["merchant"],
                "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DP",
                "balances": [{"currency": "GBP", "amount": 7_500}],
            }
        }
    }
    resp = await _post(client, doc)
    assert resp.status_code == 200, resp.text
    assert resp.json()["items"]["old"]["ids"]["id"] == user.id  # matched by email, not created
    view = (await client.get(f"/_sandbox/users/{user.id}")).json()
    assert (view["first_name"], view["last_name"], view["phone"]) == ("New", "Name", "+447700900001")
    assert (view["kyc_status"], view["kyc_tier"], view["roles"], view["totp_enabled"]) == (
        "approved",
        2,
        ["merchant", "user"],
        True,
    )
    assert [(a["currency"], a["balance"]) for a in view["accounts"]] == [("GBP", 7_500)]
    assert (await sandbox.identity.authenticate("old@example.com", "Old-pass-1")).id == user.id  # password kept
    # A new content of the same item converges again: the balance goes down to the new figure.
    doc["users"]["old"]["balances"] = [{"currency": "GBP", "amount": 2_000}]
    again = await _post(client, doc)
    assert again.json()["applied"] == 1
    view = (await client.get(f"/_sandbox/users/{user.id}")).json()
    assert [(a["currency"], a["balance"]) for a in view["accounts"]] == [("GBP", 2_000)]
    assert (await sandbox.ledger.check()).ok


async def test_a_refusal_only_the_platform_sees_keeps_what_came_before(client: AsyncTestClient) -> None:
    doc: dict[str, Any] = {
        "users": {
            **GOOD_USERS,
            "shopper": {
                "email": "shopper@example.com",
                "password": "Shopper-pass-1",
                "first_name": "Shop",
                "last_name": "Per",
                "kyc": {"status": "pending", "tier": 0},
                "balances": [{"currency": "NGN", "amount": 900_000_000, "platform": "tribble"}],
            },
        },
        "tribble_merchants": {"store": {"owner": "@dave", "business_name": "Dave's Store"}},
        # Tier 0 cannot pay 8,000,000.00 NGN at once: Tribble's KYC limits refuse it when it is made.
        "tribble_payments": {
            "big": {"customer": "@shopper", "merchant": "@store", "amount": 800_000_000, "currency": "NGN"}
        },
    }
    resp = await _post(client, doc)
    assert resp.status_code == 409, resp.text
    body = resp.json()
    assert body["error"] == "fixture_apply_failed" and body["details"]["path"] == "tribble_payments.big"
    assert "Tribble refused" in body["message"]
    assert body["details"]["applied"] == ["carol", "dave", "shopper", "store"]
    doc["tribble_payments"]["big"]["amount"] = 5_000
    fixed = await _post(client, doc)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["applied"] == 1 and fixed.json()["items"]["big"]["created"] is True
    assert not fixed.json()["items"]["store"]["created"]  # built once, by the first attempt
    assert (await client.app.state.registry.default.ledger.check()).ok


async def test_two_racing_applies_build_the_document_once(live: LiveServer) -> None:
    body = (REPO_ROOT / "examples" / "fixtures" / "marketplace.yaml").read_bytes()
    async with httpx.AsyncClient(base_url=live.base_url, timeout=120) as http:
        first, second = await asyncio.gather(
            *(http.post("/_sandbox/fixtures", content=body, headers=YAML) for _ in range(2))
        )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert sorted([first.json()["applied"], second.json()["applied"]]) == [0, len(first.json()["items"]) + 1]
    assert len(rows(live.settings.db, "SELECT id FROM tribble_merchants")) == 1
    assert_invariants(live.settings.db)


def test_cli_applies_a_file_twice_and_reports_a_bad_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    doc = tmp_path / "people.json"
    doc.write_text(json.dumps({"clock": {"start": "2026-03-10T09:00:00Z"}, "users": GOOD_USERS}))
    env = {"PAYSANDBOX_EXAMPLE_DB": str(tmp_path / "none.db"), "PAYSANDBOX_BCRYPT_ROUNDS": "4"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert cli_main(["fixtures", "apply", str(doc), "--db", str(db)]) == 0
        first = json.loads(capsys.readouterr().out)
        assert first["applied"] == 3 and set(first["items"]) == {"carol", "dave"}
        assert cli_main(["fixtures", "apply", str(doc), "--db", str(db)]) == 0
        assert json.loads(capsys.readouterr().out)["applied"] == 0
        bad = tmp_path / "bad.yaml"
        bad.write_text("users:\n  x: {email: nope}\n")
        assert cli_main(["fixtures", "apply", str(bad), "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert "nothing applied" in err and "users.x.email" in err
        assert cli_main(["check", "--db", str(db)]) == 0
    assert [r["email"] for r in rows(db, "SELECT email FROM users ORDER BY id")] == [
        "carol@example.com",
        "dave@example.com",
    ]
