"""Reading the request journal: a raw ``JournalEntry`` made readable, redacted and filterable.

Everything the request path skipped happens here, per entry read: header and body decoding,
JSON parsing, the redaction of secrets, the user of the JWT (its payload decoded, not verified:
the platform already verified it or refused the request), the platform of the path and whether
the request fits the contract (``matched``, with the reason when not).

Redaction follows the server log's rules (``app.sandbox.log_redaction.redact``: ``...token=``
pairs, ``Bearer`` credentials) and adds what bodies carry: any JSON member whose name says
password, PIN, secret, token, OTP/code of a verification, CVV/CVC, card number or API key is
replaced by ``[redacted]``, so is a ``...code`` member holding 4-8 digits (a one-time code), an OTP
in prose ("code is 482913") and an otpauth URI's ``secret=``; a run of 13-19 digits anywhere (a card
number) keeps its last four.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from app.core.clock import utc_from_ts
from app.platform_paths import PlatformPaths
from app.sandbox.journal import BODY_LIMIT, HTTP, WS_IN, JournalEntry
from app.sandbox.log_redaction import REDACTED, redact

_SECRET_KEY = re.compile(
    r"(pass(word|code|phrase)?|pin|secret|token|otp|totp|cvv2?|cvc|card_?number|pan|api_?key|"
    r"authorization|verification_?code|otp_?code|code_verifier|client_secret|mpin|security_?code)$",
    re.I,
)
_SECRET_HEADERS = frozenset(
    {"authorization", "x-authorization", "cookie", "set-cookie", "x-sandbox-token", "proxy-authorization"}
)
_CARD_NUMBER = re.compile(r"(?<!\d)(\d{9,15})(\d{4})(?!\d)")
# An OTP in prose ("Your login verification code is 482913") and a TOTP secret in an otpauth:// URI.
_CODE_IN_TEXT = re.compile(r"(\b(?:code|otp|passcode|pin)\b\D{0,20}?)\d{4,8}\b", re.I)
_SECRET_PARAM = re.compile(r"(\bsecret=)[^&\s\"']+", re.I)
# A member named "...code" holding 4-8 digits is a one-time code (error codes are words, statuses 3 digits).
_CODE_KEY = re.compile(r"code$", re.I)
_DIGITS_CODE = re.compile(r"^\d{4,8}$")


def _mask_cards(text: str) -> str:
    return _CARD_NUMBER.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)


def redact_text(text: str) -> str:
    text = _SECRET_PARAM.sub(rf"\1{REDACTED}", redact(text))
    return _mask_cards(_CODE_IN_TEXT.sub(rf"\1{REDACTED}", text))


def _redact_value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key.replace("-", "_")) and not isinstance(value, dict | list):
        return REDACTED if value not in (None, "") else value
    if _CODE_KEY.search(key) and isinstance(value, str | int) and _DIGITS_CODE.match(str(value)):
        return REDACTED
    return redact_json(value)


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and 13 <= len(str(abs(value))) <= 19:
        return _mask_cards(str(value))
    return value


def _header_value(name: str, value: str) -> str:
    if name in _SECRET_HEADERS:
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {REDACTED}" if rest and scheme.lower() in {"bearer", "basic", "token"} else REDACTED
    return redact_text(value)


def decode_headers(raw: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in raw or ():
        name = key.decode("latin-1").lower()
        text = _header_value(name, value.decode("latin-1"))
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    return headers


def body_view(kept: bytes, size: int) -> dict[str, Any] | None:
    """``{"size", "truncated", "json"}`` or ``{"size", "truncated", "text"}``; None for no body."""
    if not kept and size == 0:
        return None
    data = kept[:BODY_LIMIT]
    truncated = size > BODY_LIMIT
    view: dict[str, Any] = {"size": size, "truncated": truncated}
    text = data.decode("utf-8", "replace")
    if not truncated:
        try:
            view["json"] = redact_json(json.loads(text))
            return view
        except ValueError:
            pass
    if "=" in text and "&" in text and " " not in text and not truncated:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            view["form"] = {k: _redact_value(k, v) for k, v in pairs}
            return view
    view["text"] = redact_text(text)
    return view


def _jwt_claims(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def raw_token(headers: Any, query: bytes) -> str | None:
    """The credential a request carries: ``Authorization: Bearer``, ``X-Authorization``, a ``*token`` cookie,
    ``?token=``."""
    for key, value in headers or ():
        if key in (b"authorization", b"x-authorization"):  # T-Wallet sends X-Authorization: <jwt>
            scheme, _, rest = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and rest:
                return rest.strip()
            if not rest and scheme.count(".") == 2:
                return scheme
        elif key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, cookie = part.strip().partition("=")
                if name.lower().endswith("token") and cookie.count(".") == 2:
                    return cookie
    if b"token=" in query:
        for name, value in parse_qsl(query.decode("latin-1")):
            if name.endswith("token") and value.count(".") == 2:
                return value
    return None


def user_of(headers: Any, query: bytes) -> dict[str, Any] | None:
    """The user a request's JWT names (``{"id", "uuid", "platform"}``), None when unauthenticated."""
    token = raw_token(headers, query)
    claims = _jwt_claims(token) if token else None
    if not claims or ("uid" not in claims and "sub" not in claims):
        return None
    return {"id": claims.get("uid"), "uuid": claims.get("sub"), "platform": claims.get("plat")}


_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def entry_user(entry: JournalEntry) -> dict[str, Any] | None:
    """The user of an entry: its JWT in headers or query, else in a socket's auth frame (Socket.IO's
    ``40{"token": "Bearer ..."}``)."""
    user = user_of(entry.headers, entry.query)
    if user is None and isinstance(entry.credential, str):
        found = _JWT.search(entry.credential)
        claims = _jwt_claims(found.group(0)) if found else None
        if claims and ("uid" in claims or "sub" in claims):
            user = {"id": claims.get("uid"), "uuid": claims.get("sub"), "platform": claims.get("plat")}
    return user


def user_matches(user: dict[str, Any] | None, wanted: str) -> bool:
    if user is None:
        return False
    wanted = wanted.strip().lower()
    return wanted in {str(user.get("id")).lower(), str(user.get("uuid")).lower()}


def _reason_of(invalid: Any) -> str:
    if isinstance(invalid, str):
        return invalid
    detail = getattr(invalid, "detail", None) or str(invalid) or type(invalid).__name__
    extra = getattr(invalid, "extra", None)
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        first = extra[0]
        where = first.get("key") or first.get("source") or ""
        message = first.get("message") or ""
        if message:
            return f"{detail}: {where} {message}".strip()
    return str(detail)


def matched_of(entry: JournalEntry, paths: PlatformPaths | None = None) -> tuple[bool | None, str | None]:
    """Whether the request fits its platform's contract, with the reason when it does not.

    None (unknown) when an injected fault answered before the request reached routing. A client's
    WebSocket frame is checked by its platform's ``frame_contract`` (Cashier's messages, Tribble's
    Socket.IO packets)."""
    if entry.kind != HTTP:
        if entry.invalid is not None:
            return False, _reason_of(entry.invalid)
        if entry.kind == WS_IN and paths is not None:
            spec = paths.spec_for(entry.path)
            check = spec.frame_contract if spec is not None else None
            problem = check(entry.frame) if check is not None else None
            if problem is not None:
                return False, problem
        return True, None
    if entry.invalid is not None:
        return False, _reason_of(entry.invalid)
    if entry.routed is None:
        return None, "not checked: an injected fault answered before the request was routed"
    if entry.routed is False:
        if entry.status == 405:
            return False, f"method {entry.method} is not allowed on {entry.path}"
        return False, f"no route of the contract matches {entry.method} {entry.path}"
    if entry.invalid is not None:
        return False, _reason_of(entry.invalid)
    return True, None


def latency_ms(entry: JournalEntry) -> float | None:
    if entry.finished is None:
        return None
    return round((entry.finished - entry.started) * 1000, 3)


def frame_view(frame: Any) -> dict[str, Any]:
    """A WebSocket frame: its JSON (Cashier's ``{"type": ...}``), a Socket.IO packet, or text."""
    if isinstance(frame, bytes):
        return {"size": len(frame), "bytes": True}
    text = str(frame)
    view: dict[str, Any] = {"size": len(text)}
    body = text[:BODY_LIMIT]
    packet = body
    prefix = ""
    while packet[:1].isdigit():  # engine.io / socket.io packet types ("42[...]", "40{...}", "3")
        prefix += packet[0]
        packet = packet[1:]
    if prefix:
        view["packet"] = prefix
    try:
        view["json"] = redact_json(json.loads(packet or body))
    except ValueError:
        view["text"] = redact_text(body)
    view["truncated"] = len(text) > BODY_LIMIT
    return view


def frame_type(frame: Any) -> str | None:
    """Cashier's message ``type`` or the Socket.IO event name of a frame."""
    view = frame_view(frame) if frame is not None else {}
    data = view.get("json")
    if isinstance(data, dict):
        kind = data.get("type") or data.get("event")
        return str(kind) if kind is not None else None
    if isinstance(data, list) and data and isinstance(data[0], str):
        return data[0]
    return None


def entry_view(entry: JournalEntry, paths: PlatformPaths, *, full: bool = False) -> dict[str, Any]:
    """What ``GET /_sandbox/requests`` shows of an entry (``full`` adds headers and bodies)."""
    matched, reason = matched_of(entry, paths)
    query = redact_text(entry.query.decode("latin-1")) if entry.query else ""
    view: dict[str, Any] = {
        "id": entry.id,
        "kind": entry.kind,
        "time": _iso(entry.clock),
        "wall_time": _iso(entry.wall),
        "platform": paths.platform_of(entry.path),
        "method": entry.method,
        "path": entry.path,
        "query": query,
        "frame_type": frame_type(entry.frame) if entry.kind != HTTP else None,
        "status": entry.status,
        "close_code": entry.close_code,
        "latency_ms": latency_ms(entry),
        "user": entry_user(entry),
        "request_id": entry.request_id,
        "matched": matched,
        "unmatched_reason": reason,
        "injected": entry.injected,
        "dropped": entry.dropped,
    }
    if full:
        view["request_headers"] = decode_headers(entry.headers)
        view["response_headers"] = decode_headers(entry.response_headers)
        view["request_body"] = body_view(entry.request_body, entry.request_size)
        view["response_body"] = body_view(entry.response_body, entry.response_size)
        if entry.kind != HTTP:
            view["frame"] = frame_view(entry.frame) if entry.frame is not None else None
    return view


def _iso(ts: float) -> str:
    """Microsecond ISO-8601 UTC, as ``GET /_sandbox/clock`` shows the sandbox clock."""
    return utc_from_ts(ts).isoformat().replace("+00:00", "Z")
