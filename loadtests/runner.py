"""``paysandbox loadtest``: the Locust mix against a scratch server, then the ledger invariant check.

    paysandbox loadtest [--users 50] [--spawn-rate 10] [--duration 60s] [--csv PREFIX]

1. copies the example database (``PAYSANDBOX_EXAMPLE_DB``, default ``sandbox.db.example``) to a
   scratch directory, or starts from an empty database when there is no example;
2. starts ``paysandbox serve`` on it on a free 127.0.0.1 port and lifts every platform's rate
   limits through the control API (``PUT /_sandbox/settings {"rate_limits": false}``);
3. runs ``locust -f loadtests/locustfile.py --headless`` against it (CSV files under PREFIX when
   given, else in the scratch directory);
4. stops the server and runs ``paysandbox check`` on the database.

Exit code 0 when every ledger invariant holds and failed requests plus user errors are at most
1% of the requests; 1 otherwise (the scratch database is then kept and its path printed); 2 when
Locust is not installed or the server does not start.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
REPO = LOCUSTFILE.parent.parent
MAX_FAILURE_RATIO = 0.01


@dataclass
class LocustTotals:
    requests: int
    failures: int
    user_errors: int

    @property
    def failure_ratio(self) -> float:
        return (self.failures + self.user_errors) / self.requests if self.requests else 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def duration_seconds(text: str) -> float | None:
    """Locust's ``-t`` syntax (``90``, ``60s``, ``2m``, ``1h30m``) in seconds; None when unreadable."""
    if re.fullmatch(r"\d+", text.strip()):
        return float(text)
    parts = re.findall(r"(\d+)\s*([hms])", text.strip().lower())
    if not parts or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", text.strip().lower()):
        return None
    return float(sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts))


def control_request(base: str, method: str, path: str, body: dict[str, object] | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("PAYSANDBOX_CONTROL_TOKEN", "")
    if token:
        headers["X-Sandbox-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class ScratchServer:
    """``paysandbox serve`` in a subprocess on a scratch database."""

    def __init__(self, db: Path, workdir: Path) -> None:
        self.db = db
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        env = {**os.environ, "PAYSANDBOX_LOG_LEVEL": os.environ.get("PAYSANDBOX_LOG_LEVEL", "warning")}
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port), "--db", str(db)]
        command += ["--workspaces-dir", str(workdir / "workspaces")]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, limit_seconds: float = 60.0) -> None:
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /api/health within {limit_seconds:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def read_totals(prefix: str) -> LocustTotals:
    """Totals from Locust's ``PREFIX_stats.csv`` (the Aggregated row) and ``PREFIX_exceptions.csv``."""
    requests = failures = 0
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("Name") == "Aggregated":
                requests, failures = int(row["Request Count"]), int(row["Failure Count"])
    errors = 0
    exceptions = Path(f"{prefix}_exceptions.csv")
    if exceptions.exists():
        with exceptions.open(newline="") as f:
            errors = sum(int(row.get("Count") or 0) for row in csv.DictReader(f))
    return LocustTotals(requests, failures, errors)


def run_locust(base: str, args: argparse.Namespace, prefix: str) -> int:
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["-u", str(args.users), "-r", f"{float(args.spawn_rate):g}", "-t", str(args.duration)]
    command += ["--host", base, "--csv", prefix, "--only-summary", "--stop-timeout", "10"]
    seconds = duration_seconds(str(args.duration))
    timeout = None if seconds is None else seconds + 180
    print(f"paysandbox loadtest: {' '.join(command[2:])}", flush=True)
    return subprocess.run(command, cwd=REPO, timeout=timeout, check=False).returncode


def prepare_database(workdir: Path) -> tuple[Path, str]:
    db = workdir / "loadtest.db"
    example = Settings.load().example_db
    if example.exists():
        shutil.copyfile(example, db)
        return db, f"a scratch copy of {example}"
    return db, "an empty database (no example database found)"


def run_loadtest(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("locust") is None:
        print("paysandbox loadtest needs Locust: pip install -e '.[load]'", file=sys.stderr)
        return 2
    # A SIGTERM unwinds like Ctrl-C, so the finally blocks stop Locust and the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="paysandbox-loadtest-"))
    db, origin = prepare_database(workdir)
    print(f"paysandbox loadtest: server on {origin} at {db}", flush=True)
    prefix = str(Path(args.csv).resolve()) if args.csv else str(workdir / "locust")
    Path(prefix).parent.mkdir(parents=True, exist_ok=True)
    server = ScratchServer(db, workdir)
    try:
        try:
            server.wait_ready()
        except RuntimeError as exc:
            print(f"paysandbox loadtest: {exc}", file=sys.stderr)
            return 2
        status, body = control_request(server.base, "PUT", "/_sandbox/settings", {"rate_limits": False})
        if status != 200:
            print(f"paysandbox loadtest: could not lift the rate limits ({status}): {body}", file=sys.stderr)
            return 2
        try:
            run_locust(server.base, args, prefix)
        except subprocess.TimeoutExpired:
            print("paysandbox loadtest: Locust did not finish in time (killed)", file=sys.stderr)
    finally:
        server.stop()
    check = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--db", str(db)], cwd=REPO, capture_output=True, text=True
    )
    print(check.stdout.rstrip())
    totals = read_totals(prefix) if Path(f"{prefix}_stats.csv").exists() else LocustTotals(0, 0, 0)
    verdicts = [
        f"requests {totals.requests}, failed {totals.failures}, user errors {totals.user_errors}, "
        f"failure ratio {totals.failure_ratio:.2%} (limit {MAX_FAILURE_RATIO:.0%})",
        f"ledger invariants: {'ok' if check.returncode == 0 else 'BROKEN'}",
    ]
    ok = check.returncode == 0 and totals.requests > 0 and totals.failure_ratio <= MAX_FAILURE_RATIO
    for line in verdicts:
        print(f"paysandbox loadtest: {line}")
    if ok:
        print("paysandbox loadtest: PASSED")
        shutil.rmtree(workdir, ignore_errors=True)
        return 0
    print(f"paysandbox loadtest: FAILED (scratch database and server log kept in {workdir})")
    return 1
