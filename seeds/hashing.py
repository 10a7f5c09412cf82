"""A fingerprint of a database's ledger: SHA-256 of the ordered rows of accounts, journals, entries, holds."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

LEDGER_TABLES = ("accounts", "journals", "entries", "holds")


def ledger_hash(path: Path | str) -> str:
    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        for table in LEDGER_TABLES:
            digest.update(f"\x00{table}\x00".encode())
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
    finally:
        conn.close()
    return digest.hexdigest()
