"""A non-editable install carries the example database, and the settings find it there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.openapi_docs import BUNDLES
from app.settings import REPO_ROOT, default_example_db


def test_example_db_comes_from_the_checkout_else_the_installed_copy(tmp_path: Path) -> None:
    checkout, installed = tmp_path / "checkout", tmp_path / "share" / "sandbox.db.example"
    checkout.mkdir()
    assert default_example_db(checkout, installed) == checkout / "sandbox.db.example"  # neither: the usual path
    installed.parent.mkdir(parents=True)
    installed.write_bytes(b"SQLite format 3\x00")
    assert default_example_db(checkout, installed) == installed  # a wheel install: no checkout copy
    (checkout / "sandbox.db.example").write_bytes(b"SQLite format 3\x00")
    assert default_example_db(checkout, installed) == checkout / "sandbox.db.example"  # a checkout wins


@pytest.mark.slow
def test_wheel_ships_the_example_database(tmp_path: Path) -> None:
    if not (REPO_ROOT / "sandbox.db.example").exists():
        pytest.skip("no sandbox.db.example in this checkout")
    out = tmp_path / "wheel"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO_ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [wheel] = list(out.glob("paysandbox-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        data = [n for n in names if n.endswith(".data/data/share/paysandbox/sandbox.db.example")]
        assert len(data) == 1, names
        assert archive.read(data[0]) == (REPO_ROOT / "sandbox.db.example").read_bytes()
        assert any(n.endswith("app/db/migrations/0001_foundation.sql") for n in names)
        assert any(n.endswith("app/sandbox/static/console.js") for n in names)
        for bundle in BUNDLES:  # Swagger UI and Scalar, served offline by /schema
            for file in bundle.files:
                assert any(n.endswith(f"app/openapi_assets/{bundle.directory}/{file}.gz") for n in names), file
