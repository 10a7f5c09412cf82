"""app.lean_response sends exactly what Litestar's Response / ASGIResponse send, for any response.

Property-based: statuses (1xx-5xx, 204, 304), bodies (bytes, str, empty, JSON content), header dicts
that set or omit content-type / content-length in any case, cookies, media types, HEAD requests,
background tasks. Each case runs through both classes and the ASGI messages are compared whole.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar, Request
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.exceptions import ImproperlyConfiguredException
from litestar.response.base import ASGIResponse
from litestar.response.base import Response as LitestarResponse

from app.lean_response import LeanASGIResponse, Response

HEADER_NAMES = ["content-type", "Content-Type", "content-length", "Content-Length", "X-Request-ID", "x-custom", "ETag"]
HEADER_VALUES = ["1", "text/html", "application/problem+json", "abc"]
headers = st.one_of(st.none(), st.dictionaries(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES)))
cookies = st.one_of(
    st.none(),
    st.just([]),
    st.lists(st.builds(Cookie, key=st.sampled_from(["sid", "csrf"]), value=st.sampled_from(["a", "b"])), max_size=2),
)
statuses = st.sampled_from([None, 100, 200, 201, 202, 204, 301, 304, 400, 401, 404, 409, 422, 429, 500, 503])
media_types = st.sampled_from([None, "application/json", "text/plain", "text/html", "application/problem+json"])
contents = st.one_of(
    st.just(b""),
    st.binary(max_size=20),
    st.text(max_size=10),
    st.none(),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=3),
)


def _send_all(response: Any) -> tuple[list[Any], list[str]]:
    sent: list[Any] = []
    ran: list[str] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.disconnect"}

    if getattr(response, "background", None) is not None:
        response.background = BackgroundTask(lambda: ran.append("background"))
    asyncio.run(response({"type": "http"}, receive, send))
    return sent, ran


def _outcome(build: Any) -> Any:
    try:
        return ("sent", *_send_all(build()))
    except (ImproperlyConfiguredException, UnicodeEncodeError, TypeError) as exc:
        return ("refused", type(exc).__name__)


@settings(max_examples=400, deadline=None)
@given(
    body=st.one_of(st.binary(max_size=20), st.text(max_size=10)),
    status=statuses,
    header_dict=headers,
    cookie_list=cookies,
    media=media_types,
    head=st.booleans(),
    background=st.booleans(),
)
def test_the_asgi_response_sends_what_litestars_sends(
    body: Any, status: Any, header_dict: Any, cookie_list: Any, media: Any, head: bool, background: bool
) -> None:
    def kwargs() -> dict[str, Any]:
        return {
            "body": body,
            "status_code": status,
            "headers": None if header_dict is None else dict(header_dict),
            "cookies": None if cookie_list is None else list(cookie_list),
            "media_type": media,
            "is_head_response": head,
            "background": BackgroundTask(lambda: None) if background else None,
        }

    assert _outcome(lambda: LeanASGIResponse(**kwargs())) == _outcome(lambda: ASGIResponse(**kwargs()))


@settings(max_examples=400, deadline=None)
@given(
    content=contents,
    status=statuses,
    own_headers=headers,
    layered=headers,
    own_cookies=cookies,
    layered_cookies=cookies,
    media=media_types,
    head=st.booleans(),
)
def test_the_response_turns_into_what_litestars_turns_into(
    content: Any,
    status: Any,
    own_headers: Any,
    layered: Any,
    own_cookies: Any,
    layered_cookies: Any,
    media: Any,
    head: bool,
) -> None:
    request: Request[Any, Any, Any] = Request({"type": "http", "app": _APP, "headers": [], "method": "GET"})

    def build(cls: Any) -> Any:
        response = cls(content, headers=own_headers and dict(own_headers), cookies=own_cookies, media_type=media)
        return response.to_asgi_response(
            None,
            request,
            headers=None if layered is None else dict(layered),
            cookies=layered_cookies,
            is_head_response=head,
            media_type="application/json",
            status_code=status,
        )

    assert _outcome(lambda: build(Response)) == _outcome(lambda: build(LitestarResponse))


_APP = Litestar()


@pytest.mark.parametrize("header_type", [list, tuple])
def test_header_objects_and_pairs_take_litestars_own_path(header_type: type) -> None:
    pairs = header_type([("X-One", "1")])
    lean, plain = LeanASGIResponse(body=b"{}", headers=pairs), ASGIResponse(body=b"{}", headers=pairs)
    assert _send_all(lean) == _send_all(plain)
