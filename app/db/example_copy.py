"""A new database file starts as a copy of the example database (``sandbox.db.example``)."""

from __future__ import annotations

import shutil
from pathlib import Path


def prepare_database(db: Path, example: Path) -> str:
    """Create ``db`` from the example database when it does not exist. Returns what happened."""
    if db.exists():
        return "existing"
    db.parent.mkdir(parents=True, exist_ok=True)
    if example.exists():
        shutil.copyfile(example, db)
        return "copied"
    return "empty"
