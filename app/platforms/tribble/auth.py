"""Authentication rules: password, phone and date-of-birth checks, a phone's country, KYC upload OCR fields.

The auth routes are in ``routes/auth.py``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from app.platforms.tribble.errors import TribbleError, invalid

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+[1-9]\d{7,14}$")
ACCOUNT_TYPES = ("individual", "business")
# Dialling prefix -> ISO country (the fraud engine compares it with the request's country).
_COUNTRY_BY_PREFIX = {"+234": "NG", "+233": "GH", "+254": "KE", "+27": "ZA", "+44": "GB", "+91": "IN", "+1": "US"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def check_password_strength(password: str, field: str = "password") -> None:
    weak = (
        len(password) < 8
        or not re.search(r"[a-z]", password)
        or not re.search(r"[A-Z]", password)
        or not re.search(r"\d", password)
    )
    if weak:
        raise invalid(field, "Password must be at least 8 characters with upper-case, lower-case letters and a digit")


def check_phone(phone: str) -> None:
    if not PHONE_RE.match(phone):
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Invalid phone number format",
            {"field": "phoneNumber", "message": "Phone number must be in international format, e.g. +234801234567"},
        )


def check_date_of_birth(value: str, field: str = "dateOfBirth") -> None:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise invalid(field, "dateOfBirth must be a date (YYYY-MM-DD)") from None
    if born.year < 1900:
        raise invalid(field, "dateOfBirth is too far in the past")


def country_of(phone: str | None) -> str | None:
    if not phone:
        return None
    for prefix in sorted(_COUNTRY_BY_PREFIX, key=len, reverse=True):
        if phone.startswith(prefix):
            return _COUNTRY_BY_PREFIX[prefix]
    return None


def ocr_from_form(form: Any) -> dict[str, Any]:
    ocr: dict[str, Any] = {}
    raw = form.get("ocr")
    if isinstance(raw, str) and raw.strip():
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise invalid("ocr", "ocr must be a JSON object") from None
        if not isinstance(parsed, dict):
            raise invalid("ocr", "ocr must be a JSON object")
        ocr.update({str(k): v for k, v in parsed.items()})
    for key in form:
        m = re.match(r"^ocr(?:\[(\w+)\]|\.(\w+))$", key)
        if m:
            value = form.get(key)
            if isinstance(value, str):
                ocr[m.group(1) or m.group(2)] = value
    return ocr
