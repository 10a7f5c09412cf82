"""Litestar's ``Response`` with the common case made short: the one response class of the app.

Every answer the sandbox gives goes through ``Response.__init__``, ``Response.to_asgi_response`` and
``ASGIResponse``; Litestar's versions build each response's headers through a case-insensitive
``MutableScopeHeaders`` (``setdefault`` for the content type and length: a scan of the pairs per
call), test ``cookies``/``headers`` against the ``Mapping`` ABC and send in three coroutines. For a
response with plain headers, no cookies of its own and a body (what the platforms' handlers and
error envelopes return), these classes build the same header pairs in one pass and send them in one
coroutine; any other response (HEAD, 204/304, 1xx, ``encoded_headers``, a ``content_length``,
header objects, type encoders) takes Litestar's own code unchanged. The bytes on the wire are the
same: the header names lower-cased as ``MutableScopeHeaders.add`` writes them, in the same order
(the response's headers, then ``content-type``, then ``content-length`` unless set, then cookies).

``app.asgi`` makes ``Response`` the app's ``response_class`` (for handlers returning data) and
the platforms import it from here instead of from ``litestar``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from litestar.datastructures.headers import MutableScopeHeaders
from litestar.enums import MediaType
from litestar.response.base import ASGIResponse
from litestar.response.base import Response as LitestarResponse
from litestar.serialization import get_serializer
from litestar.utils.helpers import get_enum_string_value

if TYPE_CHECKING:
    from litestar import Litestar, Request
    from litestar.background_tasks import BackgroundTask, BackgroundTasks
    from litestar.datastructures import Cookie
    from litestar.types import Receive, Scope, Send, TypeEncodersMap

T = TypeVar("T")

_CONTENT_TYPE = b"content-type"
_CONTENT_LENGTH = b"content-length"


def _content_type(media_type: str, encoding: str) -> bytes:
    return (f"{media_type}; charset={encoding}" if media_type.startswith("text/") else media_type).encode("latin-1")


class LeanASGIResponse(ASGIResponse):
    """``ASGIResponse`` whose common case (a body with a status that allows one) builds its header
    pairs directly and sends start and body from one coroutine."""

    def __init__(
        self,
        *,
        background: BackgroundTask | BackgroundTasks | None = None,
        body: bytes | str = b"",
        content_length: int | None = None,
        cookies: Iterable[Cookie] | None = None,
        encoded_headers: Iterable[tuple[bytes, bytes]] | None = None,
        encoding: str = "utf-8",
        headers: dict[str, Any] | Iterable[tuple[str, str]] | None = None,
        is_head_response: bool = False,
        media_type: MediaType | str | None = None,
        status_code: int | None = None,
    ) -> None:
        status_code = status_code or 200
        if (
            type(body) is not bytes
            or encoded_headers is not None
            or content_length is not None
            or is_head_response
            or status_code < 200
            or status_code == 204
            or status_code == 304
        ):
            super().__init__(
                background=background,
                body=body,
                content_length=content_length,
                cookies=cookies,
                encoded_headers=encoded_headers,
                encoding=encoding,
                headers=headers,
                is_head_response=is_head_response,
                media_type=media_type,
                status_code=status_code,
            )
            return
        pairs = (
            [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in (headers.items() if isinstance(headers, dict) else headers)
            ]
            if headers
            else []
        )
        has_type = has_length = False
        for name, _ in pairs:
            if name == _CONTENT_TYPE:
                has_type = True
            elif name == _CONTENT_LENGTH:
                has_length = True
        if not has_type:
            pairs.append((_CONTENT_TYPE, _content_type(get_enum_string_value(media_type or MediaType.JSON), encoding)))
        if not has_length and self._should_set_content_length:
            pairs.append((_CONTENT_LENGTH, str(len(body)).encode("latin-1")))
        self.headers = MutableScopeHeaders()
        self.headers.headers = pairs
        self.background = background
        self.body = body
        self.content_length = len(body)
        self._encoded_cookies = (
            tuple(cookie.to_encoded_header() for cookie in cookies if not cookie.documentation_only) if cookies else ()
        )
        self.encoding = encoding
        self.is_head_response = False
        self.status_code = status_code

    def encode_headers(self) -> list[tuple[bytes, bytes]]:
        cookies = self._encoded_cookies
        return [*self.headers.headers, *cookies] if cookies else self.headers.headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.is_head_response:
            await super().__call__(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.encode_headers()})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})
        if self.background is not None:
            await self.background()


class Response(LitestarResponse[T]):
    """Litestar's ``Response``, built and turned into a ``LeanASGIResponse`` without the ABC tests
    when its headers are a dict (or none) and it has no cookies or type encoders of its own."""

    def __init__(
        self,
        content: T,
        *,
        background: BackgroundTask | BackgroundTasks | None = None,
        cookies: Any = None,
        encoding: str = "utf-8",
        headers: Any = None,
        media_type: MediaType | str | None = None,
        status_code: int | None = None,
        type_encoders: TypeEncodersMap | None = None,
    ) -> None:
        if cookies or type_encoders or self.type_encoders or not (headers is None or type(headers) is dict):
            super().__init__(
                content,
                background=background,
                cookies=cookies,
                encoding=encoding,
                headers=headers,
                media_type=media_type,
                status_code=status_code,
                type_encoders=type_encoders,
            )
            return
        self.content = content
        self.background = background
        self.cookies = []
        self.encoding = encoding
        self.headers = {} if headers is None else dict(headers)
        self.media_type = media_type
        self.status_code = status_code
        self.response_type_encoders = {}

    def to_asgi_response(
        self,
        app: Litestar | None,
        request: Request[Any, Any, Any],
        *,
        background: BackgroundTask | BackgroundTasks | None = None,
        cookies: Iterable[Cookie] | None = None,
        encoded_headers: Iterable[tuple[bytes, bytes]] | None = None,
        headers: dict[str, str] | None = None,
        is_head_response: bool = False,
        media_type: MediaType | str | None = None,
        status_code: int | None = None,
        type_encoders: TypeEncodersMap | None = None,
    ) -> ASGIResponse:
        """Litestar's ``Response.to_asgi_response`` (the same merging rules), into a ``LeanASGIResponse``."""
        if app is not None or encoded_headers is not None:  # deprecated arguments: Litestar's own code warns
            return super().to_asgi_response(
                app,
                request,
                background=background,
                cookies=cookies,
                encoded_headers=encoded_headers,
                headers=headers,
                is_head_response=is_head_response,
                media_type=media_type,
                status_code=status_code,
                type_encoders=type_encoders,
            )
        merged = {**headers, **self.headers} if headers else self.headers
        if self.cookies:
            cookies = self.cookies if not cookies else itertools.chain(self.cookies, cookies)
        if type_encoders:
            type_encoders = {**type_encoders, **(self.response_type_encoders or {})}
        else:
            type_encoders = self.response_type_encoders
        media = get_enum_string_value(self.media_type or media_type or MediaType.JSON)
        return LeanASGIResponse(
            background=self.background or background,
            body=self.render(self.content, media, get_serializer(type_encoders)),
            cookies=cookies,
            encoding=self.encoding,
            headers=merged,
            is_head_response=is_head_response,
            media_type=media,
            status_code=self.status_code or status_code,
        )
