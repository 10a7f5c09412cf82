"""Field paths in the client's own notation: msgspec's ``$.items[0].amount`` is ``items[0].amount``."""

from __future__ import annotations

import re
from collections.abc import Sequence

# A field name, an array index, or UNNAMED for a key of an object msgspec does not name.
Segment = str | int
UNNAMED = "..."

_SEGMENT = re.compile(r"\.([^.\[\]`]+)|\[(\d+|\.\.\.)\]")


def parse_path(text: str | None) -> list[Segment]:
    """``$.items[0].amount``, ``items[0].amount``, ``$`` or ``""`` -> ``["items", 0, "amount"]``.

    A path this notation cannot read is kept whole as one field name.
    """
    rest = (text or "").strip()
    if rest.startswith("$"):
        rest = rest[1:]
    if not rest:
        return []
    if rest[0] not in ".[":
        rest = "." + rest
    segments: list[Segment] = []
    position = 0
    for match in _SEGMENT.finditer(rest):
        if match.start() != position:
            return [rest.lstrip(".")]
        name, index = match.groups()
        segments.append(name if name is not None else (UNNAMED if index == UNNAMED else int(index)))
        position = match.end()
    if position != len(rest):
        return [rest.lstrip(".")]
    return segments


def render_path(segments: Sequence[Segment]) -> str:
    """``["items", 0, "amount"]`` -> ``items[0].amount``; ``[]`` -> ``""``."""
    out = ""
    for segment in segments:
        if isinstance(segment, int) or segment == UNNAMED:
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out
