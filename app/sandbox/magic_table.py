"""The magic-values table of the docs, generated from the catalogue ``GET /_sandbox/magic`` serves.

``python -m app.sandbox.magic_table docs/control-api.md`` rewrites the table between the
``<!-- magic-table:start -->`` and ``<!-- magic-table:end -->`` markers; a test fails when the
file is out of date, so the documentation cannot drift from the simulators.
"""

from __future__ import annotations

import sys
from pathlib import Path

START = "<!-- magic-table:start -->"
END = "<!-- magic-table:end -->"


def current_table() -> str:
    from simulators.magic import markdown_table

    return markdown_table().rstrip("\n")


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
