"""``X-Sandbox-Explain``: the header naming the magic value or simulator rule behind an outcome.

Any platform may use it::

    from app.sandbox.explain import set_explain
    set_explain(response, plan.explain)          # no-op when explain is None/empty

Several rules on one response are joined with "; ". Header values must be latin-1 and one
line, so the text is normalised (control characters dropped, length capped).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Protocol

EXPLAIN_HEADER = "X-Sandbox-Explain"
_MAX_LENGTH = 500


class _HasHeaders(Protocol):
    headers: Any


def explain_text(text: str | None) -> str | None:
    """The header value for ``text`` (None when there is nothing to explain)."""
    if not text:
        return None
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(text)).strip()
    cleaned = cleaned.encode("latin-1", "replace").decode("latin-1")
    return cleaned[:_MAX_LENGTH] or None


def set_explain(response: _HasHeaders | MutableMapping[str, str], text: str | None) -> None:
    """Set (or append to) ``X-Sandbox-Explain`` on a Litestar response or a plain header mapping."""
    value = explain_text(text)
    if value is None:
        return
    headers = response if isinstance(response, MutableMapping) else response.headers
    current = headers.get(EXPLAIN_HEADER)
    if current and value not in str(current).split("; "):
        value = f"{current}; {value}"[:_MAX_LENGTH]
    headers[EXPLAIN_HEADER] = value


def explain_headers(*texts: str | None) -> dict[str, str]:
    """Headers dict for ``Response(..., headers=explain_headers(plan.explain))``."""
    headers: dict[str, str] = {}
    for text in texts:
        set_explain(headers, text)
    return headers
