"""Nivo's domain rules without HTTP: idempotency keys, transfer checks in Nivo's order, card numbers, names."""

from __future__ import annotations

import pytest

from app.platforms.nivo import cards, identity, transactions
from app.platforms.nivo import schemas as s
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.wallets import NivoWallet


def _wallet(wallet_id: str, user_id: int = 1, currency: str = "INR", status: str = "active") -> NivoWallet:
    return NivoWallet(wallet_id, user_id, 10 + user_id, currency, status, 10**9, 10**10, 0.0)


def _code(exc: pytest.ExceptionInfo[NivoError]) -> tuple[str, str]:
    return exc.value.code, exc.value.message


def test_idempotency_key_is_scoped_and_generated_when_absent() -> None:
    assert transactions.idempotency_key("  abc ", "deposit", 7) == "nivo:deposit:7:abc"
    generated = transactions.idempotency_key(None, "deposit", 7)
    assert generated.startswith("nivo:deposit:7:") and generated != transactions.idempotency_key("", "deposit", 7)
    with pytest.raises(NivoError) as exc:
        transactions.idempotency_key("k" * 201, "transfer", 7)
    assert _code(exc) == ("VALIDATION_ERROR", "Idempotency-Key must be at most 200 characters")


def test_transfer_checks_come_in_nivos_order() -> None:
    source, target = _wallet("a"), _wallet("b", user_id=2)
    data = s.TransferRequest(from_wallet_id="a", to_wallet_id="b", amount="12.50", description=" rent ")
    spec = transactions._transfer_spec(source, target, data, 1)
    assert (spec.amount, spec.currency, spec.description) == (1250, "INR", "rent")
    with pytest.raises(NivoError) as exc:
        transactions._transfer_spec(source, target, data, 2)  # not the caller's source wallet
    assert _code(exc) == ("FORBIDDEN", "Source wallet does not belong to the authenticated user")
    with pytest.raises(NivoError) as exc:
        transactions._transfer_spec(source, None, data, 1)
    assert _code(exc) == ("NOT_FOUND", "Destination wallet not found")
    with pytest.raises(NivoError) as exc:
        transactions._transfer_spec(source, _wallet("b", 2, "USD", "frozen"), data, 1)
    assert _code(exc) == ("BAD_REQUEST", "Source and destination wallets must have the same currency")
    with pytest.raises(NivoError) as exc:
        transactions._transfer_spec(source, _wallet("b", 2, status="frozen"), data, 1)
    assert _code(exc) == ("ACCOUNT_FROZEN", "Destination wallet is frozen")


def test_card_numbers_are_luhn_valid_on_the_bin_and_masked() -> None:
    number = cards.new_card_number()
    assert len(number) == 16 and number.startswith(cards.BIN) and cards.luhn_valid(number)
    assert cards.mask(number) == f"{number[:4]} **** **** {number[-4:]}"
    assert cards._refusal("cancelled", "active") == "Card is cancelled; a cancelled card cannot be changed"
    assert cards._refusal("frozen", "frozen") == "Card is already frozen"


def test_full_name_is_split_at_the_first_space() -> None:
    assert identity._split_name("  John   Ronald Doe ") == ("John", "Ronald Doe")
    with pytest.raises(NivoError):
        identity._split_name("J")
    assert identity.PHONE_RE.match("+919876543210") and not identity.PHONE_RE.match("+9198765")
