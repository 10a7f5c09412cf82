"""The item kinds a fixture document may declare beyond users and the clock, registered by platforms.

A fixture document (``app/sandbox/fixtures``) has one section per kind: ``tribble_merchants``,
``nivo_beneficiaries``, ``cashier_deposits``, ... Each platform registers a :class:`FixtureKind`
at install with the shape of one item (a msgspec Struct), the fields that name other items
(``"@alice"``), an optional ``check`` (rules beyond the shape, over the whole document and the
sandbox's state: nothing is written) and ``apply``, which builds the item through the platform's
own services and answers its ids. The control API and the CLI drive them without importing any
platform, as they do ``app.core.tunables``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.core.identity.models import User
    from app.runtime import Sandbox

_EXTRAS_KEY = "fixture_kinds"

Issue = tuple[str, str]  # (field path inside the item, e.g. "card" or "plan.amount"; message)


@dataclass(frozen=True, slots=True)
class Ref:
    """A field holding ``"@name"``: another item of the document, in one of ``sections``."""

    field: str
    sections: tuple[str, ...]
    optional: bool = False


class Declared(Protocol):
    """What ``check`` and ``apply`` see of the document."""

    sandbox: Sandbox

    def declared(self, ref: str) -> tuple[str, Any]:
        """(section, validated item) of ``"@name"``."""
        ...

    def user_name(self, ref: str) -> str:
        """The email of the user ``"@name"`` declares."""
        ...


class Built(Declared, Protocol):
    """What ``apply`` sees: the document and what has been built so far (sections apply in order)."""

    async def user(self, ref: str) -> User:
        """The user ``"@name"`` (already applied)."""
        ...

    def ids(self, ref: str) -> dict[str, Any]:
        """The ids ``apply`` answered for ``"@name"`` (already applied)."""
        ...


@dataclass(frozen=True)
class FixtureKind:
    section: str
    platform: str
    order: int  # sections apply in this order (users 0; merchants before cards before payments ...)
    summary: str  # one line: what an item builds and its states
    item: type[Any]  # msgspec Struct of one item (forbid_unknown_fields)
    apply: Callable[[str, Any, Built], Awaitable[dict[str, Any]]]  # (name, item, built) -> ids
    refs: tuple[Ref, ...] = ()
    check: Callable[[Any, Declared], Awaitable[list[Issue]]] | None = None


def register(sandbox: Sandbox, *kinds: FixtureKind) -> None:
    """Make each of ``kinds`` a section of fixture documents (a platform's install registers all of its own)."""
    registered: dict[str, FixtureKind] = sandbox.extras.setdefault(_EXTRAS_KEY, {})
    for kind in kinds:
        registered[kind.section] = kind


def kinds_of(sandbox: Sandbox) -> dict[str, FixtureKind]:
    found: dict[str, FixtureKind] = sandbox.extras.get(_EXTRAS_KEY, {})
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def ref_name(value: object) -> str | None:
    """``"@alice"`` -> ``"alice"``; None when the value is not a reference."""
    if isinstance(value, str) and value.startswith("@") and len(value) > 1:
        return value[1:]
    return None
