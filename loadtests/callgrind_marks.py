"""Callgrind's client requests, for counting a server's instructions between two marks.

``valgrind --tool=callgrind`` counts executed instructions, the same for the same code and inputs
whatever else the machine is doing, so a cost measured this way does not move with the load of the
other core. Python cannot issue valgrind's client requests (they are a magic instruction sequence in
C), so ``build`` compiles three one-line C functions over ``<valgrind/callgrind.h>`` into a shared
library; the server loads it (``PAYSANDBOX_CALLGRIND_MARKS``, app/sandbox/bench.py) and its
``POST /_sandbox/bench/callgrind`` zeroes the counters or dumps them under a name, synchronously.
Outside valgrind the calls do nothing.

``totals`` reads the dumps back: the trigger's name and the instructions (``summary:``) of each.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

HEADER = Path("/usr/include/valgrind/callgrind.h")
SOURCE = r"""
#include <valgrind/callgrind.h>
void paysandbox_zero(void) { CALLGRIND_ZERO_STATS; }
void paysandbox_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
int paysandbox_on_valgrind(void) { return RUNNING_ON_VALGRIND; }
"""


def missing() -> str | None:
    """Why a callgrind run cannot happen here (None when it can)."""
    for tool in ("valgrind", "gcc"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH (Debian: apt-get install valgrind gcc)"
    if not HEADER.exists():
        return f"{HEADER} is missing (Debian package valgrind)"
    return None


def build(workdir: Path) -> Path:
    source, library = workdir / "callgrind_marks.c", workdir / "libcallgrind_marks.so"
    source.write_text(SOURCE)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True)
    return library


def command(out_file: Path) -> list[str]:
    """The valgrind prefix of a server command: all threads in one count, no per-line detail."""
    return [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        "--dump-line=no",
        "--compress-strings=no",
        "--trace-children=no",
    ]


_TRIGGER = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.MULTILINE)
_SUMMARY = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def totals(out_file: Path) -> dict[str, int]:
    """Instructions of each named dump of one run (``<out_file>.1``, ``.2``, ...)."""
    found: dict[str, int] = {}
    for dump in sorted(out_file.parent.glob(out_file.name + ".*"), key=lambda p: int(p.suffix[1:] or 0)):
        text = dump.read_text(errors="replace")
        trigger, summary = _TRIGGER.search(text), _SUMMARY.search(text)
        if trigger and summary:
            found[trigger.group(1).strip()] = int(summary.group(1))
    return found
