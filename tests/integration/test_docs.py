"""The README documents every setting and every CLI command (the build fails on an undocumented one)."""

from __future__ import annotations

import dataclasses

from app.cli import build_parser
from app.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [
        f"PAYSANDBOX_{f.name.upper()}"
        for f in dataclasses.fields(Settings)
        if f.name != "extra" and f"`PAYSANDBOX_{f.name.upper()}`" not in README
    ]
    assert missing == []


def test_every_command_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    missing = [name for name in commands if f"paysandbox {name}" not in README]
    assert missing == []


def test_readme_magic_values_table_is_generated_from_the_catalogue() -> None:
    from app.sandbox.magic_table import current_table, table_in

    assert table_in(README) == current_table().strip()
