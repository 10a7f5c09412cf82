"""The core's refusal of an amount (``parse_amount``'s ``invalid_amount``) in plain words."""

from __future__ import annotations

from app.core.errors import DomainError
from app.core.money import MAX_MAJOR


def invalid_amount_message(exc: DomainError, field: str = "amount") -> str | None:
    """``"amount is too large (at most 1000000000000000)"`` or ``"amount must be a number"``.

    Only for ``parse_amount``'s refusals (they carry ``details["reason"]``); None for any other error,
    including another ``invalid_amount`` with its own wording (a simulator's range, say).
    """
    if exc.code != "invalid_amount":
        return None
    reason = exc.details.get("reason")
    if reason == "too_large":
        return f"{field} is too large (at most {MAX_MAJOR})"
    if reason == "not_a_number":
        return f"{field} must be a number"
    return None
