"""A raw JSON body the decoder refused, in plain words, with the field named where msgspec gives none.

msgspec decoding a body into plain Python refuses ``1e999`` with ``Number out of range - at `$[...]` ``:
no field (``[...]`` is a key it does not name). Python's own parser reads the number as infinity, so
the field can be found there.
"""

from __future__ import annotations

import json
import math
from typing import Any

from app.wording.paths import UNNAMED, Segment, parse_path, render_path
from app.wording.problems import TOO_LARGE, Problem, from_msgspec, split_location


def body_problem(error: BaseException | str, body: bytes | None, *, whole: str = "the body") -> Problem:
    """The decoder's ``error`` on ``body`` in plain words: "amount is too large", "the body is not valid JSON ..."."""
    problem = from_msgspec(error, whole=whole)
    if problem.kind == TOO_LARGE and body and _unlocated(error):
        field = infinite_number_field(body)
        if field:
            return Problem(field, TOO_LARGE, f"{field} is too large")
    return problem


def _unlocated(error: BaseException | str) -> bool:
    """True when the error names no exact field: no location, or one through a key it does not name."""
    _, where = split_location(str(error))
    path = parse_path(where)
    return not path or UNNAMED in path


def infinite_number_field(body: bytes) -> str:
    """The first field of a JSON body holding a number beyond a double (``1e999``); "" when there is none."""
    try:
        value = json.loads(body)  # reads 1e999 as inf where msgspec refuses it
    except (ValueError, RecursionError):
        return ""
    stack: list[tuple[Any, list[Segment]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and math.isinf(node):
            return render_path(path)
        if isinstance(node, dict):
            stack += [(child, [*path, str(key)]) for key, child in reversed(list(node.items()))]
        elif isinstance(node, list):
            stack += [(child, [*path, index]) for index, child in reversed(list(enumerate(node)))]
    return ""
