"""What a request costs the server, in instructions, with the request journal on and off.

    python -m loadtests.request_cost [--requests 150] [--connections 8] [--routes r1_tribble,r2_nivo]

Throughput under wrk moves by about +-10% from run to run on the 2-core machine, more than the 5%
the journal may cost (issue #22), so this measures the cost itself: the project server runs under
``valgrind --tool=callgrind`` (which counts executed instructions, every thread of the process
included: the event loop, the writer, the readers, the checkpointer) and each of the benchmark's
project routes (the same requests as ``loadtests/bench.py``: r0, r1 with the Cashier socket, r2, r3,
the echo) is sent exactly ``--requests`` times per connection between two client-request marks
(loadtests/callgrind_marks.py, ``POST /_sandbox/bench/callgrind``). Instructions / answered requests
is the route's cost (a write's includes its trailing work: the counters are dumped 3 s after its
last answer, less what 3 s of the idle server cost, and varies from run to run: ``--runs 3`` measures
each size three times, alternating, and reports the median and the spread); the same sequence runs
per journal size (``--sizes``, default ``0,10000``: off, then the default ring) on identical copies of one database,
so the ratio compares like with like. The server's HTTP parsing and the event loop's socket work are
in the count (uvicorn runs as under the benchmark); the load generator is another process and is
not.

Setup runs natively first (the benchmark's database with its r3 histories, users made through the
platforms' routes), then the server stops and each measured server starts under valgrind on its own
copy. A run takes about 15 minutes (a server under callgrind runs ~50x slower). Needs valgrind and
gcc (Debian packages ``valgrind`` and ``gcc``); it says so and exits 2 without them."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadtests import callgrind_marks
from loadtests.bench import (
    REPO,
    Server,
    free_port,
    paysandbox_command,
    project_routes,
    quiesce,
    server_env,
)
from loadtests.bench_drive import Route
from loadtests.bench_setup import prepare_database, prepare_users

BUDGET = 0.05  # issue #22: the journal may cost at most 5% of a route's throughput
SETTLE_SECONDS = 3.0  # after a write route's requests: T-Wallet sends settle 2 s (sandbox clock) later
IDLE = "idle"


@dataclass
class Cost:
    route: str
    label: str
    write: bool = False
    requests: int = 0
    answered: int = 0
    instructions: dict[int, int] = field(default_factory=dict)  # journal size -> median instructions per request
    runs: dict[int, list[int]] = field(default_factory=dict)  # journal size -> each run's instructions per request

    def add_run(self, size: int, instructions: int) -> None:
        self.runs.setdefault(size, []).append(instructions)
        self.instructions[size] = int(statistics.median(self.runs[size]))

    def spread(self, size: int) -> float | None:
        """(max - min) / median of the runs of one size; None with fewer than two runs."""
        counts = self.runs.get(size, [])
        if len(counts) < 2 or not self.instructions.get(size):
            return None
        return (max(counts) - min(counts)) / self.instructions[size]

    def ratio(self, size: int, base: int) -> float | None:
        if size not in self.instructions or not self.instructions.get(base):
            return None
        return self.instructions[size] / self.instructions[base]


def counted_spec(route: Route, base: str, args: argparse.Namespace, size: int) -> dict[str, Any]:
    return {
        "kind": route.kind,
        "base": base if route.kind == "http" else base.replace("http://", "ws://", 1),
        "control": base,
        "templates": [t.spec() for t in route.templates],
        "connections": min(args.connections, len(route.templates)) if route.kind == "ws" else args.connections,
        "warmup_requests": args.warmup_requests,
        "requests": args.requests,
        "hello": route.hello,
        "expect": route.expect,
        "ok_statuses": list(route.ok_statuses),
        "tag": f"cost{size}{route.key}",
        "name": route.key,
        "settle_seconds": SETTLE_SECONDS,
        "trailing_seconds": SETTLE_SECONDS if route.write else 0.0,
    }


def run_counted(spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    spec_path, out_path = workdir / f"{spec['tag']}.spec.json", workdir / f"{spec['tag']}.out.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.run(
        [sys.executable, "-m", "loadtests.loadgen_counted", str(spec_path), str(out_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"loadgen_counted failed for {spec['name']} ({proc.returncode}): {proc.stderr[-1500:]}")
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


def serve_command(db: Path, port: int, workdir: Path) -> list[str]:
    return paysandbox_command() + [
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db),
        "--workspaces-dir",
        str(workdir / "workspaces"),
    ]


def copy_database(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def measure_size(
    size: int, routes: list[Route], costs: dict[str, Cost], source: Path, library: Path, args: argparse.Namespace
) -> None:
    workdir: Path = args.workdir
    db = workdir / f"cost-{size}.db"
    copy_database(source, db)
    env = {
        **server_env(workdir, "warning"),
        "PAYSANDBOX_JOURNAL_SIZE": str(size),
        "PAYSANDBOX_CALLGRIND_MARKS": str(library),
    }
    out_file = workdir / f"callgrind-{size}.out"
    port = free_port()
    command = callgrind_marks.command(out_file) + serve_command(db, port, workdir)
    server = Server(f"journal {size} under callgrind", command, env, workdir / f"cost-{size}.log", port)
    try:
        server.wait_ready("/api/health", limit=900)
        idle = Route(IDLE, "idle", f"the idle server for {SETTLE_SECONDS:g} s", "project", "http", [])
        run_counted({**counted_spec(idle, server.base, args, size), "connections": 0, "requests": 0}, workdir)
        for route in routes:
            print(f"  journal {size}: {route.key} ...", file=sys.stderr, flush=True)
            result = run_counted(counted_spec(route, server.base, args, size), workdir)
            cost = costs[route.key]
            cost.requests, cost.answered = result["requests"], result["answered"]
            if not result["mark"].get("on_valgrind"):
                raise RuntimeError("the server is not running under valgrind")
    finally:
        server.stop()
    totals = callgrind_marks.totals(out_file)
    idle = totals.get(IDLE, 0)  # what a write's trailing window costs with no work: not the write's
    for key, instructions in totals.items():
        cost = costs.get(key)
        if cost is not None and cost.answered:
            trailing = idle if cost.write else 0
            cost.add_run(size, max(0, instructions - trailing) // cost.answered)


def render(costs: dict[str, Cost], sizes: list[int], meta: dict[str, str]) -> str:
    base = sizes[0]
    lines = ["Paysandbox request cost (instructions per request, callgrind)", ""]
    lines += [f"  {key}: {value}" for key, value in meta.items()]
    head = "  ".join(f"{'journal ' + str(s):>14}" for s in sizes)
    lines += ["", f"{'route':<12} {'requests':>8}  {head}  {'ratio':>6}  budget", "-" * (48 + 16 * len(sizes))]
    for cost in costs.values():
        cells = "  ".join(f"{cost.instructions.get(s, 0):>14,}" for s in sizes)
        spreads = [cost.spread(s) for s in sizes]
        if any(spread is not None for spread in spreads):  # several runs: each size's median, then its spread
            cells += "  " + " ".join(f"±{(spread or 0) / 2:.1%}" for spread in spreads)
        ratio = cost.ratio(sizes[-1], base)
        verdict = "n/a" if ratio is None else ("OK" if ratio <= 1 + BUDGET else f"OVER (+{ratio - 1:.1%})")
        shown = f"{ratio:.3f}" if ratio is not None else "n/a"
        lines.append(f"{cost.route:<12} {cost.answered:>8}  {cells}  {shown:>6}  {verdict}")
    lines.append("")
    lines.append(f"ratio: journal {sizes[-1]} / journal {base}; budget: at most {1 + BUDGET:.2f} (issue #22)")
    runs = max((len(r) for c in costs.values() for r in c.runs.values()), default=1)
    if runs > 1:
        lines.append(f"each cell: the median of {runs} runs; ±: half the runs' range, of the median")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    reason = callgrind_marks.missing()
    if reason:
        print(f"paysandbox request cost: {reason}", file=sys.stderr)
        return 2
    args.workdir = Path(tempfile.mkdtemp(prefix="paysandbox-cost-"))
    library = callgrind_marks.build(args.workdir)
    started = time.monotonic()
    facts = prepare_database(Path(args.example), args.workdir / "setup.db", args.history)
    port = free_port()
    setup = Server(
        "setup server",
        serve_command(facts.db, port, args.workdir),
        server_env(args.workdir, "warning"),
        args.workdir / "setup.log",
        port,
    )
    try:
        setup.wait_ready("/api/health")
        users = asyncio.run(prepare_users(setup.base, args.connections, facts))
        quiesce(setup.base)
    finally:
        setup.stop()
    routes = [r for r in project_routes(users, facts, args.connections) if not args.routes or r.key in args.routes]
    costs = {r.key: Cost(r.key, r.label, r.write) for r in routes}
    for _ in range(args.runs):  # sizes alternate (0, 10000, 0, 10000, ...): a drift hits both alike
        for size in args.sizes:
            measure_size(size, routes, costs, facts.db, library, args)
    meta = {
        "measured": f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {time.monotonic() - started:.0f} s",
        "server": "paysandbox serve under valgrind --tool=callgrind (all threads), same uvicorn flags as the bench",
        "load": f"python -m loadtests.loadgen_counted: {args.connections} connections, {args.warmup_requests} warm-up "
        f"then {args.requests} measured requests each, back to back",
        "runs": f"{args.runs} per journal size (alternating), each on a fresh copy of the database",
        "database": f"copies of one setup ({facts.big.entries:,}-entry r3 account), one per journal size",
    }
    print(render(costs, args.sizes, meta))
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "costs": [vars(c) for c in costs.values()]}, indent=2))
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    else:
        print(f"scratch directory: {args.workdir}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=150, help="measured requests per connection")
    parser.add_argument("--warmup-requests", type=int, default=20, help="warm-up requests per connection")
    parser.add_argument("--connections", type=int, default=8, help="connections (and users per write route)")
    parser.add_argument("--sizes", default="0,10000", help="journal sizes to compare, the first is the baseline")
    parser.add_argument("--runs", type=int, default=1, help="runs per journal size (the median is reported)")
    parser.add_argument("--routes", default="", help="route keys to measure (default: every project route)")
    parser.add_argument("--history", type=int, default=100_000, help="ledger entries of the r3 account")
    parser.add_argument("--example", default=None, help="example database (default: sandbox.db.example)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (dumps, logs)")
    parser.add_argument("--json", default=None, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.routes = {r for r in args.routes.split(",") if r}
    if args.example is None:
        from app.settings import Settings

        args.example = str(Settings.load().example_db)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
