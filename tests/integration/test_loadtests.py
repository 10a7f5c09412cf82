"""The benchmark and the Locust wrapper work end to end (short forms; no timing assertions).

Both run as subprocesses, as a user runs them: the benchmark starts its own two servers (the bare
ceiling and the project) and its load generators, the wrapper its own server on a scratch database;
Locust (gevent) never loads into the pytest process.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
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


# Every measured row of the benchmark (loadtests/bench.py): the ceiling, then r0-r3 on the project.
BENCH_CEILING = {
    "bare_get": "bare GET /bare/json",
    "bare_shape": "bare GET /bare/shape/{id} (path param, 2 chained deps)",
    "bare_post": "bare POST /bare/json",
    "bare_ws": "bare WebSocket echo",
}
BENCH_ROWS = {
    "r0_404": "unknown path (404)",
    "r0_health": "GET /api/health",
    "r1_tribble": "Tribble GET /api/v1/wallets/{walletId}",
    "r1_nivo": "Nivo GET /api/v1/wallet/wallets/{id}/balance",
    "r1_twallet": "T-Wallet GET /profile/account/{account}",
    "r1_drop": "Drop GET /api/auth/me",
    "r1_cashier": "Cashier get_account_balance (WebSocket)",
    "r2_nivo": "Nivo POST /api/v1/transaction/transactions/transfer",
    "r2_twallet": "T-Wallet POST /profile/send-to-profile",
    "r2_tribble": "Tribble POST /api/v1/transactions",
    "r2_drop": "Drop POST /api/transactions/qr-payment",
    "r3_big": "Tribble wallet read, 100,000 entries",
    "r3_small": "Tribble wallet read, 10 entries",
}


@pytest.mark.slow
@pytest.mark.skipif(not EXAMPLE.exists(), reason="the benchmark reads alice and the demo merchants of the example")
def test_benchmark_quick_prints_every_row_and_ratio(tmp_path: Path) -> None:
    """The smallest budget: proves the benchmark runs end to end (both servers, every route, the
    ledger check) and names what it ran. No figure is asserted: they depend on the machine."""
    out = tmp_path / "bench.json"
    proc = _run(
        [sys.executable, "-m", "loadtests.bench", "--quick", "--seconds", "0.5", "--json", str(out)],
        _env(tmp_path, EXAMPLE),
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    text = proc.stdout
    generator = "wrk" if shutil.which("wrk") else "aiohttp"
    assert re.search(rf"^  generator: +{generator}", text, re.M), text
    assert "websocket:" in text and "subprocess" in text
    figures = json.loads(out.read_text())
    for label in {**BENCH_CEILING, **BENCH_ROWS}.values():
        assert label in text, (label, text)
    for section in ("ceiling_before", "ceiling_after"):
        for key in BENCH_CEILING:
            row = figures[section][key]
            assert row["requests"] > 0 and row["p50_ms"] is not None and row["p99_ms"] is not None, (section, row)
    for key in BENCH_ROWS:
        row = figures["rows"][key]
        assert row["requests"] > 0 and row["p99_ms"] is not None, row
        assert row["generator"] == ("aiohttp-ws" if key == "r1_cashier" else generator), row
    assert figures["rows"]["r0_404"]["statuses"].keys() == {"404"}
    assert figures["shape_ratio"] > 0
    assert f"handler shape, no target): {figures['shape_ratio']:.2f}" in text
    assert all("writer" in figures["rows"][k]["extra"] for k in BENCH_ROWS if k.startswith("r2_"))
    assert set(figures["ledger"]) == {"c", "c_hot", "d", "d64", "d_loop"}
    # Every ratio is printed beside its target with a verdict; the verdicts themselves are not asserted.
    ratios = figures["ratios"]
    assert {r["group"] for r in ratios} == {"r0", "r1", "r2", "r3", "r4", "ledger"}
    assert len([r for r in ratios if r["group"] == "r4"]) == len(BENCH_ROWS)
    for ratio in ratios:
        assert ratio["value"] is not None and ratio["verdict"] in ("OK", "MISS"), ratio
        target = f"{'<=' if ratio['at_most'] else '>='} {ratio['target']:g}"
        assert re.search(rf"{re.escape(ratio['label'][:40])}.* {re.escape(target)}  (OK|MISS)$", text, re.M), ratio
    for target in (">= 0.8", ">= 0.6", ">= 0.4", ">= 0.3", ">= 0.9", "<= 4", ">= 0.75"):
        assert target in text
    assert figures["check"]["ok"] and "ledger check: OK" in text
    assert figures["failing_routes"] == [] and "paysandbox benchmark: PASSED" in text


def test_benchmark_fails_on_failed_requests_or_a_broken_ledger() -> None:
    """The exit status: 1 when more than 1% of a route's requests failed or the invariants broke."""
    from loadtests.bench import Report
    from loadtests.bench_drive import Route, Template, measurement

    route = Route("r2_nivo", "r2", "Nivo transfer", "project", "http", [Template("GET", "/")], ok_statuses=(201,))

    def raw(ok: int, bad: int, timeouts: int = 0) -> dict[str, object]:
        statuses = {"201": ok, "500": bad} if bad else {"201": ok}
        errors = {"connect": 0, "read": 0, "write": 0, "timeout": timeouts}
        return {"requests": ok + bad, "duration_us": 1_000_000, "statuses": statuses, "errors": errors}

    report = Report(check={"ok": True})
    report.rows["r2_nivo"] = measurement(route, "wrk", raw(990, 10))
    assert report.rows["r2_nivo"].per_second == 990 and report.exit_code() == 0  # exactly 1%: still passes
    report.rows["r2_nivo"] = measurement(route, "wrk", raw(980, 10, timeouts=10))
    assert report.failing_routes() == ["r2_nivo"] and report.exit_code() == 1
    report.rows["r2_nivo"] = measurement(route, "wrk", raw(1000, 0))
    report.check = {"ok": False}
    assert report.exit_code() == 1
    report.check = {"ok": True}
    report.route_errors["r2_drop"] = "wrk printed nothing"
    assert report.exit_code() == 1


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
