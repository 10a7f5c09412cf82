"""Reading journal entries: redaction, bodies, the JWT's user, frames, matched."""

from __future__ import annotations

import base64
import json

from litestar.exceptions import ValidationException

from app.sandbox.journal import HTTP, WS_IN, JournalEntry, RequestJournal, keep_body
from app.sandbox.journal_view import (
    body_view,
    decode_headers,
    frame_type,
    matched_of,
    redact_json,
    redact_text,
    user_of,
)


def _jwt(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"


def test_json_members_and_card_numbers_are_redacted() -> None:
    body = {
        "password": "p",
        "newPassword": "q",
        "pin": "1234",
        "cvv": "123",
        "card_number": "4242424242424242",
        "refresh_token": "abc",
        "otp": "123456",
        "nested": [{"client_secret": "s", "name": "Ana"}],
        "memo": "card 4000 0000 0000 0002 or 4000000000000002",
        "amount": 4242424242424242,
        "currency": "USD",
    }
    out = redact_json(body)
    for key in ("password", "newPassword", "pin", "cvv", "card_number", "refresh_token", "otp"):
        assert out[key] == "[redacted]", key
    assert out["nested"] == [{"client_secret": "[redacted]", "name": "Ana"}]
    assert out["memo"] == "card 4000 0000 0000 0002 or ************0002"
    assert out["amount"] == "************4242"
    assert out["currency"] == "USD"
    assert redact_text("GET /cashier/svc/ws?token=abc.def&x=1") == "GET /cashier/svc/ws?token=[redacted]&x=1"
    inbox = redact_json(
        {
            "code": "482913",
            "body": "Your login verification code is 482913. It expires in 5 minutes.",
            "otpauth_uri": "otpauth://totp/Paysandbox:a%40b.c?secret=JBSWY3DPEHPK3PXP&issuer=Paysandbox",
            "error": {"code": "NOT_FOUND"},
            "status": {"code": 400},
            "bank_code": "HDFC0001",
        }
    )
    assert inbox["code"] == "[redacted]"
    assert inbox["body"] == "Your login verification code is [redacted]. It expires in 5 minutes."
    assert inbox["otpauth_uri"] == "otpauth://totp/Paysandbox:a%40b.c?secret=[redacted]&issuer=Paysandbox"
    assert inbox["error"] == {"code": "NOT_FOUND"} and inbox["status"] == {"code": 400}
    assert inbox["bank_code"] == "HDFC0001"


def test_headers_and_bodies() -> None:
    headers = decode_headers(
        [(b"Authorization", b"Bearer abc.def.ghi"), (b"x-authorization", b"abc.def.ghi"), (b"cookie", b"drop_token=x")]
    )
    assert headers == {"authorization": "Bearer [redacted]", "x-authorization": "[redacted]", "cookie": "[redacted]"}
    assert body_view(b"", 0) is None
    assert body_view(b'{"a":1}', 6) == {"size": 6, "truncated": False, "json": {"a": 1}}
    assert body_view(b"email=a%40b.c&password=x", 24) == {
        "size": 24,
        "truncated": False,
        "form": {"email": "a@b.c", "password": "[redacted]"},
    }
    big = body_view(b"x" * 9000, 9000)
    assert big is not None and big["truncated"] is True and len(big["text"]) == 8192


def test_the_user_comes_from_any_credential_the_platforms_accept() -> None:
    token = _jwt({"sub": "u-1", "uid": 7, "plat": "nivo"})
    expected = {"id": 7, "uuid": "u-1", "platform": "nivo"}
    assert user_of([(b"authorization", f"Bearer {token}".encode())], b"") == expected
    assert user_of([(b"x-authorization", token.encode())], b"") == expected
    assert user_of([(b"cookie", f"a=b; drop_token={token}".encode())], b"") == expected
    assert user_of([], f"token={token}".encode()) == expected
    assert user_of([(b"authorization", b"Bearer not-a-jwt")], b"") is None
    assert user_of([], b"") is None


def test_frames_and_matched() -> None:
    assert frame_type('{"type": "transfer", "data": {}}') == "transfer"
    assert frame_type('421["subscribe",{"channels":[]}]') == "subscribe"
    assert frame_type("3") is None
    assert frame_type(b"\x00\x01") is None
    entry = JournalEntry(HTTP, "POST", "/api/v1/x", b"", [], 0.0, 0.0)
    entry.routed, entry.status = False, 404
    assert matched_of(entry) == (False, "no route of the contract matches POST /api/v1/x")
    entry.routed, entry.status = True, 400
    entry.invalid = ValidationException(detail="Validation failed", extra=[{"key": "amount", "message": "required"}])
    assert matched_of(entry) == (False, "Validation failed: amount required")
    entry.invalid = None
    assert matched_of(entry) == (True, None)
    entry.routed = None
    assert matched_of(entry)[0] is None
    frame = JournalEntry(WS_IN, "WS", "/cashier/svc/ws", b"", [], 0.0, 0.0)
    assert matched_of(frame) == (True, None)


def test_ring_ids_and_eviction() -> None:
    journal = RequestJournal(2)
    for n in range(3):
        journal.add(JournalEntry(HTTP, "GET", f"/{n}", b"", [], 0.0, 0.0))
    assert [e.path for e in journal.newest_first()] == ["/2", "/1"]
    assert journal.get(1) is None and journal.get(3) is not None and journal.get(99) is None
    assert journal.clear() == 2 and len(journal) == 0


def test_kept_entries_are_tuples_the_collector_untracks() -> None:
    import gc

    from app.sandbox.journal_view import body_view

    journal = RequestJournal(10)
    entry = JournalEntry(HTTP, "POST", "/x", b"", [(b"content-type", b"application/json")], 0.0, 0.0)
    entry.request_body, entry.request_size = keep_body(keep_body(b"", b'{"a":'), b"1}"), 7
    entry.response_headers = [(b"content-type", b"application/json")]
    journal.add(entry)
    journal.add(JournalEntry(HTTP, "GET", "/y", b"", [], 0.0, 0.0))
    kept = list(journal._entries)
    gc.collect()
    assert all(type(record) is tuple and not gc.is_tracked(record) for record in kept)
    read = journal.get(1)
    assert (
        read is not None
        and read.request_body == b'{"a":1}'
        and read.headers == ((b"content-type", b"application/json"),)
    )
    assert journal.get(2).response_body == b""  # type: ignore[union-attr]
    view = body_view(read.request_body, read.request_size)
    assert view is not None and view["json"] == {"a": 1}
    assert body_view(b"", 0) is None


def test_a_kept_body_stops_growing_at_the_limit() -> None:
    body = b""
    for _ in range(5):
        body = keep_body(body, b"x" * 3000)
    assert len(body) == 9000  # chunks are joined while under BODY_LIMIT (8 KiB), then no more
