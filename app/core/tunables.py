"""Per-platform settings that QA can change at run time (``/_sandbox/platforms``).

A platform registers one :class:`Tunable` at install: a reader and a writer of a flat JSON object
(kept in its own tables, so snapshots, restores and workspaces carry it). The control API lists
and changes them without importing any platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.runtime import Sandbox

_EXTRAS_KEY = "tunables"


@dataclass(frozen=True)
class Tunable:
    platform: str
    description: str
    read: Callable[[], Awaitable[dict[str, Any]]]
    # Changes the given keys only; raises ValidationFailed for an unknown key or a bad value.
    write: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def register(sandbox: Sandbox, tunable: Tunable) -> None:
    sandbox.extras.setdefault(_EXTRAS_KEY, {})[tunable.platform] = tunable


def tunables_of(sandbox: Sandbox) -> dict[str, Tunable]:
    found: dict[str, Tunable] = sandbox.extras.get(_EXTRAS_KEY, {})
    return dict(sorted(found.items()))
