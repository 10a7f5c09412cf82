"""msgspec's validation and decoding messages in plain words, one ``Problem`` per failure.

``Expected `float`, got `str` - at `$.items[0].amount` `` becomes ``items[0].amount must be a
number``; ``Object missing required field `from_account_id` `` becomes ``from_account_id is
required``; ``Input data was truncated`` becomes ``the body is not valid JSON (it ends too
early)``. The field is named as the client sent it (msgspec reports the names on the wire).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.wording.paths import UNNAMED, Segment, parse_path, render_path
from app.wording.schema_lookup import allowed_values, known_fields

# Problem kinds.
REQUIRED = "required"
WRONG_TYPE = "wrong_type"
TOO_LARGE = "too_large"
TOO_SMALL = "too_small"
TOO_LONG = "too_long"
TOO_SHORT = "too_short"
PATTERN = "pattern"
NOT_ALLOWED = "not_allowed"  # a value outside an enum / Literal
UNKNOWN_FIELD = "unknown_field"
INVALID_JSON = "invalid_json"
BODY_REQUIRED = "body_required"
INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a request, in plain words."""

    field: str  # "items[0].amount" (the client's names); "" for the body (or frame) as a whole
    kind: str  # one of the kinds above
    message: str  # the whole sentence, field first: "items[0].amount must be a number"
    source: str = "body"  # body, query, path, header or cookie

    @property
    def not_json(self) -> bool:
        """True when the body is not JSON at all (a malformed request rather than a bad field)."""
        return self.kind == INVALID_JSON


def sentence(problems: Sequence[Problem]) -> str:
    """Every problem's message in one line: ``"wallet_id is required; amount must be a number"``."""
    return "; ".join(problem.message for problem in problems)


def split_location(text: str) -> tuple[str, str | None]:
    """``"Expected `int`, got `str` - at `$.n`"`` -> ``("Expected `int`, got `str`", "$.n")``."""
    message, found, where = text.partition(" - at `")
    return message, (where[:-1] if where.endswith("`") else where) if found else None


def from_msgspec(
    error: BaseException | str,
    *,
    root: Any = None,
    whole: str = "the body",
    prefix: Sequence[Segment] = (),
    source: str = "body",
) -> Problem:
    """One msgspec ``ValidationError`` / ``DecodeError`` (or its text) in plain words.

    ``root`` is the type the value was checked against (its enum values and field names are
    listed when one is refused); ``whole`` names the value itself when the error is at its top;
    ``prefix`` is shown before the error's path (a query parameter's name, say).
    """
    message, where = split_location(str(error))
    return describe(message, parse_path(where), root=root, whole=whole, prefix=prefix, source=source)


# -- the wording ---------------------------------------------------------------------------------
_TYPE_WORDS = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "object": "an object",
    "array": "an array",
    "bytes": "base64-encoded text",
    "datetime": "a date-time such as 2026-01-31T12:00:00Z",
    "date": "a date such as 2026-01-31",
    "time": "a time such as 12:00:00",
    "timedelta": "an ISO 8601 duration such as PT1H",
    "uuid": "a UUID",
    "null": "null",
}
_FORMATS = {
    "Invalid RFC3339 encoded datetime": "datetime",
    "Invalid RFC3339 encoded date": "date",
    "Invalid RFC3339 encoded time": "time",
    "Invalid ISO8601 duration": "timedelta",
    "Invalid UUID": "uuid",
    "Invalid UUID bytes": "uuid",
    "Invalid base64 encoded string": "bytes",
    "Invalid decimal string": "decimal",
}
_BOUND_WORDS = {">=": "at least", "<=": "at most", ">": "greater than", "<": "less than"}
_UNITS = {"str": "character", "bytes": "byte", "array": "item", "object": "entry"}


def type_words(expected: str) -> str:
    """msgspec's type names in words: ``int | float | str`` -> "a number", ``str | null`` -> "a string"."""
    names = [name.strip() for name in expected.split("|")]
    names = [name for name in names if name != "null"] or ["null"]
    if "float" in names or "decimal" in names:
        return "a number"
    if "str" in names:
        return "a string"
    return _TYPE_WORDS.get(names[0], f"of type {names[0]}")


def _number(text: str) -> str:
    """A bound as msgspec prints it (``0.0``, ``1000``) as a person would write it (``0``, ``1000``)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else text


def _count(n: int, unit: str) -> str:
    plural = "entries" if unit == "entry" else unit + "s"
    return f"{n} {unit if n == 1 else plural}"


def _literal(text: str) -> str:
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text.strip("'\"")


@dataclass(frozen=True, slots=True)
class _Where:
    shown: list[Segment]  # the path the client sees (prefix + path), cut before an unnamed key
    path: list[Segment]  # the path inside ``root``
    root: Any
    whole: str
    source: str
    vague: bool = False  # msgspec named no key below ``shown`` (``$[...]``, ``$.metadata[...]``)

    @property
    def name(self) -> str:
        named = render_path(self.shown) or self.whole
        return f"a value in {named}" if self.vague else named

    def problem(self, kind: str, text: str, *, below: str | None = None) -> Problem:
        field = render_path([*self.shown, below] if below is not None else self.shown)
        return Problem(field, kind, text, self.source)


def _missing(where: _Where, m: re.Match[str]) -> Problem:
    if where.vague:
        return where.problem(REQUIRED, f"{where.name} is missing its required field {m['name']}")
    field = render_path([*where.shown, m["name"]])
    return where.problem(REQUIRED, f"{field} is required", below=m["name"])


def _unknown(where: _Where, m: re.Match[str]) -> Problem:
    if where.vague:
        return where.problem(UNKNOWN_FIELD, f"{where.name} has an unknown field {m['name']}")
    field = render_path([*where.shown, m["name"]])
    known = known_fields(where.root, where.path)
    listed = f" (known fields: {', '.join(known)})" if known else ""
    return where.problem(UNKNOWN_FIELD, f"unknown field {field}{listed}", below=m["name"])


def _wrong_type(where: _Where, m: re.Match[str]) -> Problem:
    words = type_words(m["expected"])
    if not where.shown and words == "an object":
        words = "a JSON object"
    return where.problem(WRONG_TYPE, f"{where.name} must be {words}")


def _bound(where: _Where, m: re.Match[str]) -> Problem:
    op = m["op"]
    kind = TOO_SMALL if op in (">=", ">") else TOO_LARGE
    return where.problem(kind, f"{where.name} must be {_BOUND_WORDS[op]} {_number(m['bound'])}")


def _multiple(where: _Where, m: re.Match[str]) -> Problem:
    return where.problem(INVALID, f"{where.name} must be a multiple of {_number(m['n'])}")


def _length(where: _Where, m: re.Match[str]) -> Problem:
    n, unit, at_least = int(m["n"]), _UNITS[m["t"]], m["op"] == ">="
    if at_least and n == 1 and m["t"] == "str":
        return where.problem(TOO_SHORT, f"{where.name} must not be empty")
    if m["t"] == "str":
        text = f"{where.name} must be {'at least' if at_least else 'at most'} {_count(n, unit)} long"
    else:
        text = f"{where.name} must have {'at least' if at_least else 'at most'} {_count(n, unit)}"
    return where.problem(TOO_SHORT if at_least else TOO_LONG, text)


def _array_length(where: _Where, m: re.Match[str]) -> Problem:
    low, high, got = int(m["low"]), m["high"], m["got"]
    if high is not None:
        text = f"{where.name} must have {low} to {_count(int(high), 'item')}"
    else:
        text = f"{where.name} must have exactly {_count(low, 'item')}"
    kind = TOO_SHORT if got is not None and int(got) < low else TOO_LONG if got is not None else INVALID
    return where.problem(kind, text)


def _array_at(where: _Where, m: re.Match[str]) -> Problem:
    at_least = m["which"] == "least"
    text = f"{where.name} must have {'at least' if at_least else 'at most'} {_count(int(m['n']), 'item')}"
    return where.problem(TOO_SHORT if at_least else TOO_LONG, text)


def _pattern(where: _Where, m: re.Match[str]) -> Problem:
    return where.problem(PATTERN, f"{where.name} must match the pattern {_literal(m['pattern'])}")


def _not_allowed(where: _Where, m: re.Match[str]) -> Problem:
    values = allowed_values(where.root, where.path)
    if values:
        return where.problem(NOT_ALLOWED, f"{where.name} must be one of: {', '.join(values)}")
    return where.problem(NOT_ALLOWED, f"{where.name} has an unknown value {m['value']}")


def _out_of_range(where: _Where, m: re.Match[str]) -> Problem:
    if not where.shown or where.vague:
        return where.problem(TOO_LARGE, f"a number in {render_path(where.shown) or where.whole} is too large")
    return where.problem(TOO_LARGE, f"{where.name} is too large")


def _not_utf8(where: _Where, m: re.Match[str]) -> Problem:
    if where.shown:
        return where.problem(INVALID, f"{where.name} is not valid UTF-8 text")
    return where.problem(INVALID_JSON, f"{where.whole} is not valid JSON (it is not UTF-8 text)")


def _timezone(where: _Where, m: re.Match[str]) -> Problem:
    if m["no"]:
        return where.problem(INVALID, f"{where.name} must not include a timezone")
    return where.problem(INVALID, f"{where.name} must include a timezone (such as Z or +01:00)")


def _format(where: _Where, m: re.Match[str]) -> Problem:
    return where.problem(WRONG_TYPE, f"{where.name} must be {_TYPE_WORDS[_FORMATS[m[0]]]}")


_Wording = Callable[[_Where, re.Match[str]], Problem]


def _says(kind: str, template: str) -> _Wording:
    """A wording of one sentence: ``template`` with ``{name}``, ``{whole}`` and the match's groups filled in."""

    def wording(where: _Where, m: re.Match[str]) -> Problem:
        return where.problem(kind, template.format(name=where.name, whole=where.whole, **m.groupdict()))

    return wording


_Rule = tuple[re.Pattern[str], _Wording]
_RULES: list[_Rule] = [
    (re.compile(r"Object missing required field `(?P<name>.+)`"), _missing),
    (re.compile(r"Object contains unknown field `(?P<name>.+)`"), _unknown),
    (re.compile(r"Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`"), _wrong_type),
    (re.compile(r"Expected `(?:int|float|decimal)` (?P<op>>=|<=|>|<) (?P<bound>\S+)"), _bound),
    (re.compile(r"Expected `(?:int|float)` that's a multiple of (?P<n>\S+)"), _multiple),
    (re.compile(r"Expected `(?P<t>str|bytes|array|object)` of length (?P<op>>=|<=) (?P<n>\d+)"), _length),
    (
        re.compile(r"Expected `array` of length (?P<low>\d+)(?: to (?P<high>\d+))?(?:, got (?P<got>\d+))?"),
        _array_length,
    ),
    (re.compile(r"Expected `array` of at (?P<which>least|most) length (?P<n>\d+)(?:, got \d+)?"), _array_at),
    (re.compile(r"Expected `str` matching regex (?P<pattern>.+)"), _pattern),
    (re.compile(r"Expected `\w+` with (?P<no>no )?a? ?timezone component"), _timezone),
    (re.compile(r"Expected `(?P<expected>[^`]+)`"), _wrong_type),
    (re.compile(r"Invalid (?:enum )?value (?P<value>.+)"), _not_allowed),
    (re.compile(r"(?:Number|Integer value) out of range"), _out_of_range),
    (re.compile(r"Input data was truncated"), _says(INVALID_JSON, "{whole} is not valid JSON (it ends too early)")),
    (
        re.compile(r"JSON is malformed: (?P<why>.+) \(byte (?P<byte>\d+)\)"),
        _says(INVALID_JSON, "{whole} is not valid JSON ({why} at byte {byte})"),
    ),
    (re.compile(r"Invalid UTF-8 encoded string"), _not_utf8),
    (re.compile("|".join(re.escape(text) for text in sorted(_FORMATS, key=len, reverse=True))), _format),
    (
        re.compile(r"Invalid epoch timestamp|Timestamp is out of range.*"),
        _says(INVALID, "{name} must be a Unix timestamp within range"),
    ),
]


def describe(
    message: str,
    path: Sequence[Segment],
    *,
    root: Any = None,
    whole: str = "the body",
    prefix: Sequence[Segment] = (),
    source: str = "body",
) -> Problem:
    """One msgspec message (its location already split off as ``path``) in plain words.

    A path through a key msgspec does not name (``[...]``) is cut there: the problem's field is the
    object holding that key ("" for the body itself), and the words say "a value in ...".
    """
    shown = [*prefix, *path]
    vague = UNNAMED in shown
    if vague:
        shown = shown[: shown.index(UNNAMED)]
    where = _Where(shown, list(path), root, whole, source, vague)
    text = message.strip()
    for pattern, word in _RULES:
        if match := pattern.fullmatch(text):
            return word(where, match)
    return where.problem(INVALID, f"{where.name} is not valid")
