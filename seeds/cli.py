"""``paysandbox seed --db PATH [--users N] [--days D] [--seed S] [--force]`` (dispatched by app/cli.py)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from tqdm import tqdm

from seeds.constants import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_USERS
from seeds.generator import build
from seeds.history import RATE


def estimated_postings(users: int, days: int) -> int:
    """Roughly what the history posts (the progress bar's total; the real count differs a little)."""
    return int(users * 0.75 * RATE * days * 1.25 + users * 1.2 + days * 10)


def run_seed(args: argparse.Namespace) -> int:
    users = DEFAULT_USERS if args.users is None else int(args.users)
    days = DEFAULT_DAYS if args.days is None else int(args.days)
    seed = DEFAULT_SEED if args.seed is None else int(args.seed)
    path = Path(args.db)
    if path.exists() and not args.force:
        print(f"{path} exists: use --force to overwrite it", file=sys.stderr)
        return 2
    if users < 0 or days < 1:
        print("--users must be >= 0 and --days >= 1", file=sys.stderr)
        return 2
    bar = tqdm(
        total=estimated_postings(users, days),
        unit=" postings",
        desc=f"seeding {path.name}",
        disable=not sys.stderr.isatty(),
        file=sys.stderr,
        ncols=min(shutil.get_terminal_size((100, 20)).columns, 120),  # terminals reporting 0 columns
    )
    try:
        report = build(path, users=users, days=days, seed=seed, force=bool(args.force), tick=bar.update)
    finally:
        bar.close()
    print(report.render())
    return 0
