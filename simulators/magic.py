"""The catalogue of magic values: inputs that trigger an outcome without any setup.

Each ``MagicRule`` says which input it looks at (``field``), which values trigger it, which
simulators it applies to (families such as ``partner``, ``upi``, ``card``; empty = all), and
what happens: ``outcome`` ``success`` / ``failure`` / ``manual`` (stays pending until settled
through the control API), an ``error_message`` and an ``explain`` sentence for the
``X-Sandbox-Explain`` header. ``GET /_sandbox/magic`` and the README table come from
``CATALOGUE`` (``catalogue_dicts()`` / ``markdown_table()``), so documentation cannot drift.

Inputs (what an operation passes to ``evaluate``): ``amount`` (minor units) with ``currency``,
``destination`` (phone or account), ``phone``, ``card_number`` or ``card_behaviour`` (the tag
stored on a card token), ``upi_id``, ``username``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

OUTCOMES = ("success", "failure", "manual")


@dataclass(frozen=True, slots=True)
class MagicRule:
    name: str
    field: str  # the input it looks at: amount | destination | phone | card | upi_id | username
    values: tuple[str, ...]  # what triggers it (amount rules: the decimal ending, e.g. ".13")
    outcome: str  # success | failure | manual
    explain: str
    error_message: str | None = None
    code: str | None = None  # machine code of the failure (card decline codes as in Stripe test mode)
    applies_to: tuple[str, ...] = ()  # simulator families; empty = every simulator
    behaviour: str = ""  # card behaviour tag stored on tokens: success, declined, requires_3ds, ...
    delay_seconds: float | None = None  # overrides the simulator delay when set

    def applies(self, simulator: str) -> bool:
        return not self.applies_to or family_of(simulator) in self.applies_to

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["values"] = list(self.values)
        data["applies_to"] = list(self.applies_to) or ["*"]
        return data


_MONEY_SIMS = ("partner", "agent", "upi", "card", "airtime", "bank", "transfer")

CATALOGUE: tuple[MagicRule, ...] = (
    # -- amounts (any simulator that moves money) ------------------------------------------
    MagicRule(
        "amount_timeout",
        "amount",
        (".13",),
        "failure",
        "amount ends in .13: partner timeout",
        "Payment timeout",
        "timeout",
        _MONEY_SIMS,
    ),
    MagicRule(
        "amount_manual",
        "amount",
        (".14",),
        "manual",
        "amount ends in .14: stays pending until settled via /_sandbox/operations/{ref}/complete|fail",
        None,
        None,
        _MONEY_SIMS,
    ),
    MagicRule(
        "amount_rejected",
        "amount",
        (".15",),
        "failure",
        "amount ends in .15: partner rejected the transaction",
        "Transaction rejected by partner",
        "partner_rejected",
        _MONEY_SIMS,
    ),
    MagicRule(
        "amount_slow",
        "amount",
        (".31",),
        "success",
        "amount ends in .31: succeeds after 60 s",
        None,
        None,
        _MONEY_SIMS,
        delay_seconds=60.0,
    ),
    # -- destinations (withdrawals to phones / accounts) -----------------------------------
    MagicRule(
        "destination_invalid",
        "destination",
        ("+254700000000",),
        "failure",
        "destination +254700000000: destination account invalid",
        "Destination account invalid",
        "invalid_destination",
        ("partner", "agent", "bank"),
    ),
    MagicRule(
        "destination_unregistered",
        "destination",
        ("+254700000001",),
        "failure",
        "destination +254700000001: not registered for mobile money",
        "Destination is not registered for mobile money",
        "destination_not_registered",
        ("partner", "agent"),
    ),
    # -- cards (Stripe test mode numbers) ----------------------------------------------------
    MagicRule(
        "card_success",
        "card",
        ("4242424242424242", "5555555555554444", "378282246310005", "6011111111111117"),
        "success",
        "test card: payment succeeds",
        None,
        None,
        ("card",),
        "success",
    ),
    MagicRule(
        "card_declined",
        "card",
        ("4000000000000002",),
        "failure",
        "test card ending 0002: generic decline",
        "Your card was declined.",
        "card_declined",
        ("card",),
        "declined",
    ),
    MagicRule(
        "card_insufficient_funds",
        "card",
        ("4000000000009995",),
        "failure",
        "test card ending 9995: insufficient funds",
        "Your card has insufficient funds.",
        "insufficient_funds",
        ("card",),
        "insufficient_funds",
    ),
    MagicRule(
        "card_requires_3ds",
        "card",
        ("4000002500003155",),
        "manual",
        "test card ending 3155: requires 3D Secure authentication; pending until completed",
        None,
        "authentication_required",
        ("card",),
        "requires_3ds",
    ),
    MagicRule(
        "card_processing_error",
        "card",
        ("4000000000000119",),
        "failure",
        "test card ending 0119: processing error",
        "An error occurred while processing your card. Try again in a little bit.",
        "processing_error",
        ("card",),
        "processing_error",
    ),
    MagicRule(
        "card_expired",
        "card",
        ("4000000000000069",),
        "failure",
        "test card ending 0069: expired card",
        "Your card has expired.",
        "expired_card",
        ("card",),
        "expired_card",
    ),
    MagicRule(
        "card_incorrect_cvc",
        "card",
        ("4000000000000127",),
        "failure",
        "test card ending 0127: incorrect CVC",
        "Your card's security code is incorrect.",
        "incorrect_cvc",
        ("card",),
        "incorrect_cvc",
    ),
    # -- UPI ids -----------------------------------------------------------------------------
    MagicRule(
        "upi_fail",
        "upi_id",
        ("fail@upi",),
        "failure",
        "UPI id fail@upi: payer's bank declines",
        "UPI payment declined by the payer's bank",
        "upi_declined",
        ("upi",),
    ),
    MagicRule(
        "upi_timeout",
        "upi_id",
        ("timeout@upi",),
        "failure",
        "UPI id timeout@upi: collect request expires unanswered",
        "UPI request timed out",
        "upi_timeout",
        ("upi",),
        delay_seconds=10.0,
    ),
    MagicRule(
        "upi_pending",
        "upi_id",
        ("pending@upi",),
        "manual",
        "UPI id pending@upi: stays pending until settled via the control API",
        None,
        None,
        ("upi",),
    ),
    MagicRule(
        "upi_success",
        "upi_id",
        ("success@upi",),
        "success",
        "UPI id success@upi: completes after 3 s",
        None,
        None,
        ("upi",),
        delay_seconds=3.0,
    ),
    # -- airtime phone numbers ---------------------------------------------------------------
    MagicRule(
        "airtime_inactive_number",
        "phone",
        ("08000000000", "+2348000000000"),
        "failure",
        "phone 08000000000: number not active on the network",
        "Phone number is not active on this network",
        "invalid_phone",
        ("airtime",),
    ),
    MagicRule(
        "airtime_provider_down",
        "phone",
        ("08000000001", "+2348000000001"),
        "failure",
        "phone 08000000001: airtime provider unavailable",
        "Airtime provider is temporarily unavailable",
        "provider_unavailable",
        ("airtime",),
    ),
    # -- usernames (transfer recipients) -----------------------------------------------------
    MagicRule(
        "username_blocked",
        "username",
        ("blocked_user",),
        "failure",
        "username blocked_user: recipient account is blocked",
        "Recipient account is blocked",
        "recipient_blocked",
        ("transfer",),
    ),
    MagicRule(
        "username_review",
        "username",
        ("review_user",),
        "manual",
        "username review_user: held for compliance review until settled via the control API",
        None,
        None,
        ("transfer",),
    ),
)

_BY_NAME = {rule.name: rule for rule in CATALOGUE}


def family_of(simulator: str) -> str:
    """``partner:PTN-001`` -> ``partner``; ``upi`` -> ``upi``."""
    return simulator.split(":", 1)[0]


def digits(value: object) -> str:
    return re.sub(r"\D", "", str(value))


def normalise_phone(value: object) -> str:
    text = re.sub(r"[\s\-().]", "", str(value))
    if text.startswith("00"):
        text = "+" + text[2:]
    return text


def _amount_ending(amount: object, currency: object) -> str | None:
    """The two-decimal ending of an amount in minor units (".13"), None for 0-decimal currencies."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        return None
    exp = _exponent(str(currency or "USD"))
    if exp < 2:
        return None
    cents = (abs(amount) // 10 ** (exp - 2)) % 100
    return f".{cents:02d}"


def _exponent(currency: str) -> int:
    try:
        from app.core.money import exponent
    except ImportError:  # pragma: no cover - money arrives with the ledger
        return 0 if currency.upper() in {"JPY", "KRW", "UGX", "RWF", "XOF", "XAF", "CLP", "VND"} else 2
    try:
        return int(exponent(currency.upper()))
    except Exception:
        return 2


def _candidates(field: str, inputs: Mapping[str, Any]) -> set[str]:
    if field == "amount":
        ending = _amount_ending(inputs.get("amount"), inputs.get("currency"))
        return {ending} if ending else set()
    if field == "card":
        found: set[str] = set()
        if inputs.get("card_number"):
            found.add(digits(inputs["card_number"]))
        return found
    if field in ("destination", "phone"):
        value = inputs.get(field)
        if value is None and field == "phone":
            value = inputs.get("phone_number")
        return {normalise_phone(value)} if value else set()
    value = inputs.get(field)
    return {str(value).strip().lower()} if value else set()


def evaluate(simulator: str, inputs: Mapping[str, Any] | None) -> MagicRule | None:
    """The first catalogue rule that applies to ``simulator`` and matches ``inputs``, if any."""
    if not inputs:
        return None
    behaviour = inputs.get("card_behaviour")
    for rule in CATALOGUE:
        if not rule.applies(simulator):
            continue
        if rule.field == "card" and behaviour and rule.behaviour == behaviour:
            return rule
        if _candidates(rule.field, inputs) & {v.lower() for v in rule.values}:
            return rule
    return None


def card_rule(number: str) -> MagicRule | None:
    """The test-card rule for a card number (used when tokenising)."""
    return evaluate("card", {"card_number": number})


def get(name: str) -> MagicRule | None:
    return _BY_NAME.get(name)


def catalogue_dicts() -> list[dict[str, Any]]:
    """The machine-readable catalogue (``GET /_sandbox/magic``)."""
    return [rule.as_dict() for rule in CATALOGUE]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table() -> str:
    """The one table of every magic value (README, docs/simulators.md, docs/control-api.md),
    generated from the catalogue; ``python -m app.sandbox.magic_table FILE`` writes it into a doc."""
    lines = [
        "| input | value(s) | applies to | outcome | error message | what happens (`X-Sandbox-Explain`) |",
        "|---|---|---|---|---|---|",
    ]
    for rule in CATALOGUE:
        values = ", ".join(f"`{_cell(v)}`" for v in rule.values)
        applies = ", ".join(str(a) for a in rule.applies_to) or "*"
        lines.append(
            f"| {_cell(rule.field)} | {values} | {_cell(applies)} | {_cell(rule.outcome)} "
            f"| {_cell(rule.error_message)} | {_cell(rule.explain)} |"
        )
    return "\n".join(lines) + "\n"


class MagicCatalogue:
    """``hub.magic``: the catalogue as a service object."""

    rules = CATALOGUE

    def evaluate(self, simulator: str, inputs: Mapping[str, Any] | None) -> MagicRule | None:
        return evaluate(simulator, inputs)

    def get(self, name: str) -> MagicRule | None:
        return get(name)

    def catalogue(self) -> list[dict[str, Any]]:
        return catalogue_dicts()

    def markdown_table(self) -> str:
        return markdown_table()
