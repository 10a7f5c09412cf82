"""Request parsing and Drop's field rules (validateName, emails, passwords, pages, amounts)."""

from __future__ import annotations

import math
import re
from typing import Any

import msgspec
from litestar import Request

from app.core.errors import ValidationFailed
from app.core.money import parse_amount
from app.core.numbers import strict_int
from app.platforms.drop.errors import DropError, bad_request, field_error, validation_error
from app.wording import body_problem, invalid_amount_message
from app.wording.problems import TOO_LARGE

EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
PHONE = re.compile(r"^\+\d{8,15}$")
_HTML = re.compile(r"<[^>]*>|javascript:|on\w+\s*=", re.IGNORECASE)
NOTIFICATION_ID = re.compile(r"^[a-z]+_[a-f0-9]{16}$")
MAX_PAGE = 1_000_000  # keeps OFFSET inside SQLite's integers


async def json_object(request: Request[Any, Any, Any], *, allow_empty: bool = False) -> dict[str, Any]:
    """The body as a JSON object; anything else is 400 ``bad_request`` ("Invalid JSON body")."""
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise bad_request("Invalid JSON body")
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        problem = body_problem(exc, raw)
        if problem.kind == TOO_LARGE and problem.field:  # valid JSON, but 1e999 is beyond any number
            raise bad_request(problem.message, [field_error(problem.field, problem.message)]) from None
        raise bad_request("Invalid JSON body") from None
    except (ValueError, RecursionError):  # ValueError: not UTF-8; RecursionError: too deep
        raise bad_request("Invalid JSON body") from None
    if not isinstance(value, dict):
        raise bad_request("Invalid JSON body")
    return value


class Fields:
    """Collects field errors so one 422 lists every failure in ``details``."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.errors: list[dict[str, str]] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(field_error(field, message))

    def string(self, field: str, *, required: bool = True, max_len: int | None = None) -> str | None:
        value = self.body.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(field, f"{field} is required")
            return None
        if not isinstance(value, str):
            self.fail(field, f"{field} must be a string")
            return None
        value = value.strip()
        if max_len is not None and len(value) > max_len:
            self.fail(field, f"{field} must be at most {max_len} characters")
            return None
        return value

    def name(self, field: str, *, required: bool = True) -> str | None:
        """validateName(): 1-100 chars, at least one letter, no HTML/script."""
        value = self.string(field, required=required)
        if value is None:
            return None
        if len(value) > 100:
            self.fail(field, f"{field} must be 1-100 characters")
        elif not any(ch.isalpha() for ch in value):
            self.fail(field, f"{field} must contain at least one letter")
        elif _HTML.search(value) or "<" in value or ">" in value:
            self.fail(field, f"{field} must not contain HTML")
        else:
            return value
        return None

    def boolean(self, field: str) -> bool | None:
        if field not in self.body:
            return None
        value = self.body[field]
        if not isinstance(value, bool):
            self.fail(field, f"{field} must be a boolean")
            return None
        return value

    def raise_if_failed(self) -> None:
        if self.errors:
            raise validation_error(self.errors)


def sanitize(text: str, max_len: int) -> str:
    """Strip tags and control characters, trim, cut to ``max_len`` ("sanitized to N chars")."""
    cleaned = _HTML.sub("", text)
    cleaned = "".join(ch for ch in cleaned if ch.isprintable() or ch in "\n\t").strip()
    return cleaned[:max_len]


def money(value: object, currency: str, field: str = "amount", *, status: int = 400) -> int:
    """A JSON-number amount in major units -> minor units. Strings are refused (the contract says number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DropError(status, _code(status), f"{field} must be a number", [field_error(field, "must be a number")])
    if isinstance(value, float) and not math.isfinite(value):
        raise DropError(status, _code(status), f"{field} is too large", [field_error(field, "is too large")])
    try:
        return parse_amount(value, currency)
    except ValidationFailed as exc:
        if exc.code == "too_many_decimals":
            message = f"{field} must have at most 2 decimal places"
        elif exc.code == "amount_not_positive":
            message = f"{field} must be positive"
        else:
            message = invalid_amount_message(exc, field) or f"{field} is not a valid amount"
        raise DropError(status, _code(status), message, [field_error(field, message)]) from None


def _code(status: int) -> str:
    return "bad_request" if status == 400 else "validation_error"


def page_params(page: str | None, limit: str | None, *, default_limit: int, max_limit: int) -> tuple[int, int]:
    """page >= 1; 1 <= limit <= max_limit. Non-numbers (not ASCII digits) are 400 bad_request; out of range,
    however far, is clamped."""
    p = strict_int(page, minimum=1, maximum=MAX_PAGE, clamp=True) if page not in (None, "") else 1
    lim = strict_int(limit, minimum=1, maximum=max_limit, clamp=True) if limit not in (None, "") else default_limit
    if p is None or lim is None:
        raise bad_request("page and limit must be integers")
    return p, lim
