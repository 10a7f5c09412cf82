"""Drive one route for loadtests/bench.py: wrk (with loadtests/wrk/requests.lua) or the Python generator.

Every run happens in a process of its own (wrk, or ``python -m loadtests.loadgen``), never in the
benchmark's process, and reports the same figures: requests answered, the statuses counted by the
generator (the Lua ``response()`` hook for wrk), socket errors, and latency percentiles.
"""

from __future__ import annotations

import json
import math
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadtests.bench_setup import Template, WsTemplate

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "requests.lua"
REPO = WRK_SCRIPT.parent.parent.parent
WRK_TIMEOUT = "30s"  # wrk's own default (2 s) would count slow answers as timeouts, not latencies


@dataclass
class Route:
    """One measured route: where it goes, what it sends, what counts as answered."""

    key: str
    group: str  # ceiling | r0 | r1 | r2 | r3 | diag
    label: str
    server: str  # bare | project
    kind: str  # http | ws
    templates: list[Any]
    ok_statuses: tuple[int, ...] = (200,)
    expect: str | None = None  # substring a successful body must contain
    write: bool = False
    hello: bool = False  # ws: the server sends a frame first (Cashier's "connected")
    users: str = ""


@dataclass
class Measurement:
    key: str
    group: str
    label: str
    generator: str
    requests: int
    ok: int
    failed: int
    seconds: float
    per_second: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    bad_body: int = 0
    users: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failure_ratio(self) -> float:
        attempted = self.requests + sum(self.errors.values())
        return self.failed / attempted if attempted else 1.0


def measurement(route: Route, generator: str, raw: dict[str, Any]) -> Measurement:
    statuses = {str(k): int(v) for k, v in raw.get("statuses", {}).items()}
    errors = {k: int(v) for k, v in raw.get("errors", {}).items()}
    requests = int(raw.get("requests", 0))
    bad = int(raw.get("bad_body", 0))
    ok = max(0, sum(n for code, n in statuses.items() if int(code) in route.ok_statuses) - bad)
    seconds = float(raw.get("duration_us", 0)) / 1e6
    latency = raw.get("latency_us") or {}

    def ms(name: str) -> float | None:
        return float(latency[name]) / 1000 if requests and name in latency else None

    return Measurement(
        route.key,
        route.group,
        route.label,
        generator,
        requests,
        ok,
        requests - ok + sum(errors.values()),
        seconds,
        ok / seconds if seconds > 0 else 0.0,
        ms("p50"),
        ms("p90"),
        ms("p99"),
        statuses,
        errors,
        bad,
        route.users,
    )


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    out = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    first = (out.stdout + out.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def _run_wrk_once(
    base: str, route: Route, connections: int, threads: int, seconds: float, templates: Path, tag: str
) -> dict[str, Any]:
    """One wrk run. wrk takes whole seconds; a fractional budget is ended by SIGINT (wrk then reports)."""
    whole = float(seconds).is_integer() and seconds >= 1
    budget = int(seconds) if whole else math.ceil(seconds) + 2
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{budget}s", "--latency"]
    command += ["--timeout", WRK_TIMEOUT, "-s", str(WRK_SCRIPT), base, "--"]
    command += [str(templates), tag, str(connections), str(threads), route.expect or ""]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not whole:
        time.sleep(seconds)
        proc.send_signal(signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=budget + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    for line in stdout.splitlines():
        if line.startswith("WRK_JSON "):
            result: dict[str, Any] = json.loads(line[len("WRK_JSON ") :])
            result["text"] = stdout
            return result
    raise RuntimeError(f"wrk printed no WRK_JSON line for {route.key}: {stdout[-500:]} {stderr[-500:]}")


def run_wrk(
    base: str, route: Route, *, connections: int, threads: int, warmup: float, seconds: float, workdir: Path, tag: str
) -> Measurement:
    templates = workdir / f"{route.key}.tsv"
    templates.write_text("\n".join(t.tsv() for t in route.templates) + "\n")
    if warmup > 0:
        _run_wrk_once(base, route, connections, threads, warmup, templates, f"{tag}w")
    raw = _run_wrk_once(base, route, connections, threads, seconds, templates, f"{tag}m")
    result = measurement(route, "wrk", raw)
    result.extra["wrk_output"] = raw.get("text", "")
    return result


def run_loadgen(
    base: str, route: Route, *, connections: int, warmup: float, seconds: float, workdir: Path, tag: str
) -> Measurement:
    """``python -m loadtests.loadgen`` in a subprocess: aiohttp for HTTP (wrk missing) and for WebSockets."""
    spec = {
        "kind": route.kind,
        "base": base if route.kind == "http" else base.replace("http://", "ws://", 1),
        "templates": [t.spec() for t in route.templates],
        "connections": connections,
        "warmup": warmup,
        "seconds": seconds,
        "tag": tag,
        "expect": route.expect,
        "hello": route.hello,
    }
    spec_path, out_path = workdir / f"{route.key}.spec.json", workdir / f"{route.key}.out.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.run(
        [sys.executable, "-m", "loadtests.loadgen", str(spec_path), str(out_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=warmup + seconds + 120,
        check=False,
    )
    if proc.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"loadgen failed for {route.key} ({proc.returncode}): {proc.stderr[-1500:]}")
    return measurement(route, "aiohttp-ws" if route.kind == "ws" else "aiohttp", json.loads(out_path.read_text()))


__all__ = ["Measurement", "Route", "Template", "WsTemplate", "run_loadgen", "run_wrk", "wrk_version"]
