"""The benchmark and the Locust wrapper work end to end (short forms; no timing assertions).

Both run as subprocesses, as a user runs them: the benchmark starts its own server, the wrapper
its own server on a scratch database; Locust (gevent) never loads into the pytest process.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from loadtests.runner import duration_seconds
from tests.support.server import free_port

REPO = Path(__file__).resolve().parents[2]
HAS_LOCUST = importlib.util.find_spec("locust") is not None and importlib.util.find_spec("websocket") is not None
EXAMPLE = REPO / "sandbox.db.example"

# The request names of the measured tasks: at least one of each group shows that every user class ran.
EXPECTED_TASKS = [
    {"nivo transfer"},
    {"twallet send-to-profile"},
    {"transfer", "deposit -> deposit_completed"},  # Cashier over the WebSocket
    {"tribble payment", "tribble fund wallet"},  # fund: no admin to approve a merchant (empty database)
    {"drop qr-payment"},
    {"nivo balance", "nivo wallets", "twallet account", "tribble wallets", "drop transactions"},
]


def _run(command: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in its own process group; on timeout the whole group (its servers too) is killed."""
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def _env(tmp_path: Path, example: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PAYSANDBOX_EXAMPLE_DB": str(example),
        "PAYSANDBOX_BCRYPT_ROUNDS": "4",
        "PAYSANDBOX_CONTROL_TOKEN": "",
        "TMPDIR": str(tmp_path),
    }


@pytest.mark.slow
def test_benchmark_quick_prints_every_section(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = _run(
        [sys.executable, "-m", "loadtests.bench", "--quick", "--connections", "16", "--json", str(out)],
        _env(tmp_path, tmp_path / "no-example.db"),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    for key in ("a", "b", "c", "c_hot", "d", "d64", "d_loop"):
        assert figures["rates"][key]["count"] > 0, (key, proc.stdout)
        assert figures["rates"][key]["per_second"] > 0, (key, proc.stdout)
    assert figures["rates"]["a"]["errors"] == 0 and figures["rates"]["b"]["errors"] == 0, proc.stdout
    assert figures["rates"]["a"]["p50_ms"] is not None and figures["rates"]["a"]["p99_ms"] is not None
    assert figures["ratios"]["a/b"] is not None and figures["ratios"]["c/d"] is not None
    assert figures["extras"]["ledger invariants after the HTTP run"] == "ok"
    # The writer's counters were read around (a): jobs per batch, busy and COMMIT shares.
    writer = figures["extras"]["(a) writer: jobs per batch, busy share, COMMIT share"]
    assert float(writer.split(",")[0]) >= 1.0, writer
    assert any(key.startswith("seed generation (") for key in figures["extras"]), figures["extras"]
    assert not any(str(value).startswith("n/a") for value in figures["extras"].values()), figures["extras"]
    for label in ("a/b HTTP transfer vs framework", "c/d ledger vs storage", "(target >= 0.7)", "(target >= 0.5)"):
        assert label in proc.stdout


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LOCUST, reason="locust / websocket-client not installed (pip install -e '.[load]')")
@pytest.mark.parametrize("database", ["empty", "example"])
def test_loadtest_wrapper_runs_every_user_and_checks_the_ledger(tmp_path: Path, database: str) -> None:
    if database == "example" and not EXAMPLE.exists():
        pytest.skip("no sandbox.db.example in this checkout")
    example = EXAMPLE if database == "example" else tmp_path / "no-example.db"
    prefix = tmp_path / "csv" / "run"
    proc = _run(
        [sys.executable, "-m", "app.cli", "loadtest", "--users", "12", "--spawn-rate", "12", "--duration", "8s"]
        + ["--csv", str(prefix)],
        _env(tmp_path, example),
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "ledger check: OK" in output and "paysandbox loadtest: PASSED" in output, output
    stats = _stats(prefix)
    assert int(stats["Aggregated"]["Request Count"]) > 0
    for names in EXPECTED_TASKS:
        assert any(int(stats.get(name, {}).get("Request Count", 0)) > 0 for name in names), (names, sorted(stats))


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LOCUST, reason="locust / websocket-client not installed (pip install -e '.[load]')")
def test_headless_locust_against_no_server_fails_without_hanging(tmp_path: Path) -> None:
    """The headless command documented in docs/load.md against a server that is not there: Locust
    records connection failures and exits non-zero, it does not hang."""
    port = free_port()
    proc = _run(
        [sys.executable, "-m", "locust", "-f", "loadtests/locustfile.py", "--headless", "-u", "2", "-r", "2"]
        + ["-t", "3s", "--host", f"http://127.0.0.1:{port}", "--only-summary", "--csv", str(tmp_path / "down")],
        _env(tmp_path, tmp_path / "none.db"),
        timeout=120,
    )
    assert proc.returncode != 0
    assert int(_stats(tmp_path / "down")["Aggregated"]["Failure Count"]) > 0


def test_duration_syntax() -> None:
    assert duration_seconds("60s") == 60
    assert duration_seconds("90") == 90
    assert duration_seconds("1h30m") == 5400
    assert duration_seconds("2m 5s") == 125
    assert duration_seconds("soon") is None
