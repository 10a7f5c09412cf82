"""The magic-values table of the docs, generated from the catalogue ``GET /_sandbox/magic`` serves.

``python -m app.sandbox.magic_table docs/control-api.md`` rewrites the table between the
``<!-- magic-table:start -->`` and ``<!-- magic-table:end -->`` markers; a test fails when the
file is out of date, so the documentation cannot drift from the simulators.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

START = "<!-- magic-table:start -->"
END = "<!-- magic-table:end -->"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def render(rules: Iterable[Mapping[str, Any]]) -> str:
    lines = [
        "| input | value(s) | applies to | outcome | error message | what happens (`X-Sandbox-Explain`) |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rules:
        values = ", ".join(f"`{_cell(v)}`" for v in rule.get("values", []))
        applies = ", ".join(str(a) for a in rule.get("applies_to", [])) or "*"
        lines.append(
            f"| {_cell(rule.get('field'))} | {values} | {_cell(applies)} | {_cell(rule.get('outcome'))} "
            f"| {_cell(rule.get('error_message'))} | {_cell(rule.get('explain'))} |"
        )
    return "\n".join(lines)


def current_table() -> str:
    from simulators.magic import catalogue_dicts

    return render(catalogue_dicts())


def replace_table(document: str, table: str) -> str:
    head, sep, rest = document.partition(START)
    if not sep or END not in rest:
        raise ValueError(f"markers {START} / {END} not found")
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table}\n{END}{tail}"


def table_in(document: str) -> str:
    _, _, rest = document.partition(START)
    return rest.partition(END)[0].strip()


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/control-api.md")
    path.write_text(replace_table(path.read_text(encoding="utf-8"), current_table()), encoding="utf-8")
    print(f"updated the magic-values table in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
