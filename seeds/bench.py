"""The seed generation rate for ``loadtests/bench.py``: ``seed_rate(quick) -> {label: result}``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from seeds.constants import DEFAULT_SEED
from seeds.generator import build

FULL = (10_000, 90)  # the scale: over a million ledger entries
QUICK = (1_000, 14)


def seed_rate(quick: bool) -> dict[str, str]:
    users, days = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="paysandbox-seed-bench-") as tmp:
        report = build(Path(tmp) / "bench.db", users=users, days=days, seed=DEFAULT_SEED)
    rate = report.entries / report.seconds if report.seconds > 0 else 0.0
    return {
        f"seed generation (users={users}, days={days})": (
            f"{rate:,.0f} ledger entries/s, {report.journals:,} journals, {report.entries:,} entries "
            f"in {report.seconds:.1f} s"
        )
    }
