"""What a request's scope says, read without Litestar: its workspace's sandbox, a header, a raw
query parameter, the user of the JWT it carries, the X-Request-ID a response leaves with. The edge and the
journals ask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from litestar.types import Scope

if TYPE_CHECKING:
    from app.registry import SandboxRegistry
    from app.runtime import Sandbox


async def sandbox_named(registry: SandboxRegistry | None, name: str | None) -> Sandbox | None:
    """The sandbox of a workspace name (None: the default); None when there is none (the app answers)."""
    if registry is None:
        return None
    if name is None:
        return registry.default
    name = name.strip().lower()
    if name in ("", "default"):
        return registry.default
    try:
        return await registry.get(name)
    except Exception:  # unknown or invalid workspace: the route's sandbox_for refuses it in its envelope
        return None


def header_value(scope: Scope, name: bytes) -> str:
    """A request header's first value ('' when absent), straight from the scope's pairs: no
    ``Headers`` multidict per request. ``name`` in lower case, as servers hand header names over
    (the edge reads its headers the same way)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")  # type: ignore[no-any-return]
    return ""


def query_value(query: bytes, key: bytes) -> str | None:
    """One parameter of a raw query string (percent-decoded), None when absent."""
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == key:
            return unquote(value.decode("latin-1"))
    return None


def user_key(scope: Scope) -> str | None:
    """``"<id>|<uuid>"`` of the JWT a request carries (fault rules' ``user``), None when there is none."""
    from app.sandbox.journal_view import user_of

    user = user_of(scope["headers"], scope["query_string"])
    if user is None:
        return None
    return f"{user.get('id')}|{user.get('uuid')}"


def with_request_id(headers: Any, id_header: tuple[bytes, bytes]) -> Any:
    """A response's header pairs with X-Request-ID appended unless the handler set one (Litestar and
    the sandbox's own raw responses write header names in lower case, so no ``.lower()`` per pair)."""
    if not headers:
        return [id_header]
    for name, _ in headers:
        if name == b"x-request-id":
            return headers
    return [*headers, id_header]
