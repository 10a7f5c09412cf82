"""Flow 8: virtual cards: number and CVV once, masked afterwards, freeze/unfreeze/limits/cancel."""

from __future__ import annotations

from app.platforms.nivo.cards import luhn_valid
from tests.contract.nivo.conftest import Nivo


def cards_path(wallet_id: str) -> str:
    return f"/api/v1/wallet/wallets/{wallet_id}/cards"


async def test_create_card_shows_details_once(nivo: Nivo) -> None:
    user = await nivo.user("John Doe")
    wallet_id = await nivo.wallet(user)
    data = await nivo.ok("POST", cards_path(wallet_id), user, {"card_holder_name": "John Doe"}, status=201)
    card, details = data["card"], data["details"]
    assert data["message"] == "Save your card details securely. CVV will not be shown again."
    number = details["card_number"]
    assert len(number) == 16 and number.startswith("4000") and luhn_valid(number)
    assert len(details["cvv"]) == 3 and details["cvv"].isdigit()
    assert card["card_number_masked"] == f"{number[:4]} **** **** {number[-4:]}"
    assert card["card_holder_name"] == "John Doe"
    assert card["status"] == "active"
    assert card["daily_limit"] == 50000 and card["monthly_limit"] == 500000
    assert card["expiry_month"] == details["expiry_month"] and card["expiry_year"] == details["expiry_year"]
    assert 1 <= card["expiry_month"] <= 12

    got = await nivo.ok("GET", f"/api/v1/wallet/cards/{card['id']}", user)
    assert got == card
    listed = await nivo.ok("GET", cards_path(wallet_id), user)
    assert listed == [card]
    for shown in (got, *listed):
        assert number not in str(shown)
        assert "cvv" not in shown and "card_number" not in shown
    # Neither the number nor the CVV is stored anywhere in the database file.
    stored = await nivo.sandbox.db.fetchone("SELECT * FROM nivo_cards WHERE id = ?", (card["id"],))
    assert number not in " ".join(str(v) for v in tuple(stored))
    assert stored["last4"] == number[-4:]
    # The holder name defaults to the user's name.
    second = await nivo.ok("POST", cards_path(wallet_id), user, {}, status=201)
    assert second["card"]["card_holder_name"] == "John Doe"
    assert second["details"]["card_number"] != number


async def test_card_state_machine(nivo: Nivo) -> None:
    user = await nivo.user("Card Holder")
    wallet_id = await nivo.wallet(user)
    card = (await nivo.ok("POST", cards_path(wallet_id), user, {}, status=201))["card"]
    base = f"/api/v1/wallet/cards/{card['id']}"

    limits = await nivo.ok("PATCH", f"{base}/limits", user, {"daily_limit": 20000, "monthly_limit": 200000})
    assert limits["daily_limit"] == 20000 and limits["monthly_limit"] == 200000

    assert (await nivo.ok("POST", f"{base}/freeze", user))["status"] == "frozen"
    await nivo.error("POST", f"{base}/freeze", user, None, 409, "CONFLICT")
    await nivo.error("PATCH", f"{base}/limits", user, {"daily_limit": 1000}, 409, "CONFLICT")
    assert (await nivo.ok("POST", f"{base}/unfreeze", user))["status"] == "active"
    await nivo.error("POST", f"{base}/unfreeze", user, None, 409, "CONFLICT")

    cancelled = await nivo.ok("DELETE", base, user)
    assert cancelled["status"] == "cancelled"
    for method, path, body in (
        ("POST", f"{base}/freeze", None),
        ("POST", f"{base}/unfreeze", None),
        ("PATCH", f"{base}/limits", {"daily_limit": 1000}),
        ("DELETE", base, None),
    ):
        message = await nivo.error(method, path, user, body, 409, "CONFLICT")
        assert "cancelled" in message
    assert (await nivo.ok("GET", base, user))["status"] == "cancelled"


async def test_card_limits_validation_and_limit_exceeded(nivo: Nivo) -> None:
    user = await nivo.user("Card Holder")
    wallet_id = await nivo.wallet(user)
    card = (await nivo.ok("POST", cards_path(wallet_id), user, {}, status=201))["card"]
    base = f"/api/v1/wallet/cards/{card['id']}/limits"
    await nivo.error("PATCH", base, user, {}, 400, "VALIDATION_ERROR")
    await nivo.error("PATCH", base, user, {"daily_limit": -5}, 400, "VALIDATION_ERROR")
    await nivo.error("PATCH", base, user, {"daily_limit": 600000}, 400, "VALIDATION_ERROR")  # above monthly
    message = await nivo.error(
        "PATCH", base, user, {"daily_limit": 250000, "monthly_limit": 900000}, 412, "LIMIT_EXCEEDED"
    )
    assert "wallet" in message
    await nivo.error("PATCH", base, user, {"monthly_limit": 2000000}, 412, "LIMIT_EXCEEDED")


async def test_card_count_limit_and_ownership(nivo: Nivo) -> None:
    user = await nivo.user("Card Holder")
    other = await nivo.user("Other Person")
    wallet_id = await nivo.wallet(user)
    ids = [(await nivo.ok("POST", cards_path(wallet_id), user, {}, status=201))["card"]["id"] for _ in range(5)]
    await nivo.error("POST", cards_path(wallet_id), user, {}, 412, "LIMIT_EXCEEDED")
    await nivo.ok("DELETE", f"/api/v1/wallet/cards/{ids[0]}", user)
    await nivo.ok("POST", cards_path(wallet_id), user, {}, status=201)

    await nivo.error("GET", f"/api/v1/wallet/cards/{ids[1]}", other, None, 403, "FORBIDDEN")
    await nivo.error("POST", f"/api/v1/wallet/cards/{ids[1]}/freeze", other, None, 403, "FORBIDDEN")
    await nivo.error("GET", cards_path(wallet_id), other, None, 403, "FORBIDDEN")
    await nivo.error("GET", "/api/v1/wallet/cards/00000000-0000-4000-8000-000000000000", user, None, 404, "NOT_FOUND")
    await nivo.error("POST", cards_path(wallet_id), user, {"card_holder_name": "X"}, 400, "VALIDATION_ERROR")
    pending = await nivo.wallet(other, activate=False)
    await nivo.error("POST", cards_path(pending), other, {}, 400, "BAD_REQUEST")
