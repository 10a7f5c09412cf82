"""Behaviour of each simulator: delay, outcome, failure rate, error message; persisted.

A simulator is named by its family (``partner``, ``agent``, ``upi``, ``card``, ``airtime``,
``bank``, ``transfer``) or by one member of a family (``partner:PTN-001``, ``airtime:mtn``,
``bank:DNB``). The effective behaviour of ``partner:PTN-001`` is the built-in default of its
family, overridden field by field by what is stored for ``partner``, then by what is stored for
``partner:PTN-001``. Overrides live in ``sim_settings``, so they survive a restart and travel
with snapshots.

Defaults: succeed after 2 s; UPI uniform between 3 and 10 s (one seedable random source).
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.core.errors import ValidationFailed
from simulators.magic import OUTCOMES, family_of

FAMILIES = ("partner", "agent", "upi", "card", "airtime", "bank", "transfer")
_MAX_DELAY = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Behaviour:
    delay_seconds: float = 2.0
    # When above delay_seconds, the delay is uniform in [delay_seconds, delay_max_seconds]; else fixed.
    delay_max_seconds: float | None = None
    outcome: str = "success"  # success | failure | manual
    failure_rate: float = 0.0  # probability that a "success" becomes a failure
    error_message: str = "Payment failed"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        if self.outcome == "manual":
            return "stays pending until settled via the control API"
        delay = (
            f"{_fmt(self.delay_seconds)}-{_fmt(self.delay_max_seconds)} s"
            if self.delay_max_seconds is not None
            else f"{_fmt(self.delay_seconds)} s"
        )
        if self.outcome == "failure":
            return f"fails after {delay} ({self.error_message})"
        if self.failure_rate > 0:
            return f"succeeds after {delay}, failure rate {self.failure_rate:g}"
        return f"succeeds after {delay}"


def _fmt(value: float | None) -> str:
    return f"{value:g}" if value is not None else "?"


DEFAULTS: dict[str, Behaviour] = {
    "partner": Behaviour(),
    "agent": Behaviour(),
    "upi": Behaviour(delay_seconds=3.0, delay_max_seconds=10.0, error_message="UPI payment failed"),
    "card": Behaviour(error_message="Your card was declined."),
    "airtime": Behaviour(error_message="Airtime top-up failed"),
    "bank": Behaviour(error_message="Payment rejected by the bank"),
    "transfer": Behaviour(error_message="Transfer failed"),
}

_FIELDS = {f.name for f in fields(Behaviour)}


def validate_name(name: str) -> str:
    name = name.strip()
    family = family_of(name)
    if family not in FAMILIES:
        raise ValidationFailed(
            f"unknown simulator {name!r}; known: {', '.join(FAMILIES)} (or family:member, e.g. partner:PTN-001)",
            code="unknown_simulator",
        )
    if ":" in name and not name.split(":", 1)[1]:
        raise ValidationFailed(f"simulator {name!r} names no member", code="unknown_simulator")
    return name


def _number(key: str, value: object, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{key} must be a number", code="invalid_behaviour", field=key)
    number = float(value)
    if math.isnan(number) or math.isinf(number) or not low <= number <= high:
        raise ValidationFailed(f"{key} must be between {low:g} and {high:g}", code="invalid_behaviour", field=key)
    return number


def clean_overrides(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate a partial behaviour (PUT body); returns the cleaned fields. ``None`` removes a field."""
    if not isinstance(changes, dict):
        raise ValidationFailed("behaviour must be a JSON object", code="invalid_behaviour")
    unknown = sorted(set(changes) - _FIELDS)
    if unknown:
        raise ValidationFailed(
            f"unknown behaviour field(s): {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}",
            code="invalid_behaviour",
            fields=unknown,
        )
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            out[key] = None
        elif key in ("delay_seconds", "delay_max_seconds"):
            out[key] = _number(key, value, low=0.0, high=_MAX_DELAY)
        elif key == "failure_rate":
            out[key] = _number(key, value, low=0.0, high=1.0)
        elif key == "outcome":
            if value not in OUTCOMES:
                raise ValidationFailed(
                    f"outcome must be one of {', '.join(OUTCOMES)}", code="invalid_behaviour", field=key
                )
            out[key] = value
        elif key == "error_message":
            if not isinstance(value, str) or not value.strip() or len(value) > 500:
                raise ValidationFailed("error_message must be a non-empty string", code="invalid_behaviour", field=key)
            out[key] = value.strip()
    return out


def _apply(base: Behaviour, overrides: dict[str, Any]) -> Behaviour:
    usable = {k: v for k, v in overrides.items() if k in _FIELDS and v is not None}
    return replace(base, **usable)


def _stored_in(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    row = conn.execute("SELECT config FROM sim_settings WHERE name = ?", (name,)).fetchone()
    return dict(json.loads(row[0])) if row else {}


def effective_in(conn: sqlite3.Connection, simulator: str) -> tuple[Behaviour, str]:
    """(effective behaviour, the most specific name that configured it) for a simulator name."""
    family = family_of(simulator)
    behaviour = DEFAULTS.get(family, Behaviour())
    source = f"{family} default"
    for name in (family, simulator) if simulator != family else (family,):
        stored = _stored_in(conn, name)
        if stored:
            behaviour = _apply(behaviour, stored)
            source = name
    if behaviour.delay_max_seconds is not None and behaviour.delay_max_seconds <= behaviour.delay_seconds:
        behaviour = replace(behaviour, delay_max_seconds=None)  # a fixed delay
    return behaviour, source


class SimulatorSettings:
    """``hub.settings``: read and change simulator behaviour (the control API's /_sandbox/simulators)."""

    def __init__(self, db: Any, clock: Any) -> None:
        self.db = db
        self.clock = clock

    async def get(self, name: str) -> dict[str, Any]:
        """``{"name", "behaviour", "overrides", "source", "description"}`` for one simulator."""
        name = validate_name(name)

        def run(conn: sqlite3.Connection) -> dict[str, Any]:
            behaviour, source = effective_in(conn, name)
            return {
                "name": name,
                "behaviour": behaviour.as_dict(),
                "overrides": _stored_in(conn, name),
                "source": source,
                "description": behaviour.describe(),
            }

        result: dict[str, Any] = await self.db.read(run)
        return result

    async def effective(self, name: str) -> Behaviour:
        name = validate_name(name)
        behaviour, _ = await self.db.read(lambda c: effective_in(c, name))
        return behaviour  # type: ignore[no-any-return]

    async def put(self, name: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge ``changes`` into the stored overrides of ``name`` (``None`` clears a field)."""
        name = validate_name(name)
        cleaned = clean_overrides(changes)
        if cleaned.get("delay_seconds") is not None and "delay_max_seconds" not in cleaned:
            cleaned["delay_max_seconds"] = 0.0  # "delay_seconds: 5" alone means exactly 5 s, also for UPI
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> None:
            stored = _stored_in(conn, name)
            for key, value in cleaned.items():
                if value is None:
                    stored.pop(key, None)
                else:
                    stored[key] = value
            conn.execute(
                "INSERT INTO sim_settings (name, config, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
                (name, json.dumps(stored, sort_keys=True), now),
            )

        await self.db.write(run)
        return await self.get(name)

    async def reset(self, name: str | None = None) -> None:
        """Forget the overrides of one simulator, or of all of them."""
        if name is None:
            await self.db.write(lambda c: c.execute("DELETE FROM sim_settings"))
            return
        name = validate_name(name)
        await self.db.write(lambda c: c.execute("DELETE FROM sim_settings WHERE name = ?", (name,)))

    async def overridden(self) -> list[str]:
        rows = await self.db.fetchall("SELECT name FROM sim_settings ORDER BY name")
        return [row["name"] for row in rows]

    def families(self) -> list[str]:
        return list(FAMILIES)
