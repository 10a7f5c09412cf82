"""msgspec shapes of ``/_sandbox/fixtures`` answers (the document itself: docs/fixtures.md)."""

from __future__ import annotations

from typing import Any

import msgspec


class FixtureClock(msgspec.Struct):
    now: str
    frozen: bool


class FixtureItem(msgspec.Struct):
    section: str
    created: bool | None = None  # false: applied before with this content, its stored ids answered
    ids: dict[str, Any] = msgspec.field(default_factory=dict)  # the item's ids on every platform


class FixtureApplied(msgspec.Struct):
    applied: int  # items built now (the clock counts as one)
    unchanged: int  # items applied before with the same content
    dry_run: bool
    items: dict[str, FixtureItem]  # every name of the document
    clock: FixtureClock | None = None
    valid: bool = True


class FixtureSection(msgspec.Struct):
    section: str
    platform: str | None
    summary: str
    schema: dict[str, Any]  # JSON Schema of one item
    refs: dict[str, list[str]] = msgspec.field(default_factory=dict)  # field -> sections its "@name" may name


class FixtureSections(msgspec.Struct):
    sections: list[FixtureSection]
    note: str
