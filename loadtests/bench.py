"""Side-by-side benchmark: where the sandbox stands against its framework and storage ceilings.

    python -m loadtests.bench [--seconds 10] [--connections 64] [--json out.json] [--quick] [--no-seed]

Prints, from one run on one machine:
  (a) HTTP transfers/s through Nivo's transfer route with JWT auth at 64 connections
  (b) the same server answering a trivial JSON POST (/_sandbox/bench/echo): the framework ceiling
  (c) in-process ledger postings/s at 64 concurrent callers (LedgerService.post), and (c') on one hot account
  (d) plain sqlite3 running the same SQL, 1,000 postings per commit: the storage ceiling, and (d') the
      writer's own post_in in a plain loop (loadtests/bench_ledger.py measures (c) and (d))
with ratios a/b (target >= 0.7) and c/d (target >= 0.5), p50/p99 latencies, the seed generation
rate and workspace creation time. The server runs in a subprocess on a scratch database; the
load generator (aiohttp, keep-alive) runs in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Rate:
    name: str
    per_second: float
    count: int
    errors: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    note: str = ""


@dataclass
class Report:
    rates: dict[str, Rate] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def ratio(self, a: str, b: str) -> float | None:
        if a in self.rates and b in self.rates and self.rates[b].per_second > 0:
            return self.rates[a].per_second / self.rates[b].per_second
        return None

    def render(self) -> str:
        lines = [f"{'measure':58} {'per s':>10} {'count':>8} {'err':>5} {'p50 ms':>8} {'p99 ms':>8}"]
        for rate in self.rates.values():
            p50 = f"{rate.p50_ms:.2f}" if rate.p50_ms is not None else "-"
            p99 = f"{rate.p99_ms:.2f}" if rate.p99_ms is not None else "-"
            lines.append(f"{rate.name:58} {rate.per_second:10.0f} {rate.count:8d} {rate.errors:5d} {p50:>8} {p99:>8}")
            if rate.note:
                lines.append(f"    {rate.note}")
        for label, a, b, target in (
            ("a/b HTTP transfer vs framework", "a", "b", 0.7),
            ("c/d ledger vs storage", "c", "d", 0.5),
            ("c/d64 ledger vs storage at the same commit size", "c", "d64", None),
        ):
            value = self.ratio(a, b)
            if value is None and target is None:
                continue
            shown = f"{value:.2f}" if value is not None else "n/a"
            if target is None:
                lines.append(f"{label:58} {shown:>10}  (no target: explains c/d)")
                continue
            verdict = "" if value is None else ("  ok" if value >= target else "  BELOW TARGET")
            lines.append(f"{label:58} {shown:>10}  (target >= {target}){verdict}")
        for key, value in self.extras.items():
            lines.append(f"{key:58} {value}")
        return "\n".join(lines)


def _percentiles(samples: list[float]) -> tuple[float | None, float | None]:
    if not samples:
        return None, None
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


async def drive(
    name: str, request: Callable[[aiohttp.ClientSession, int], Awaitable[bool]], *, connections: int, seconds: float
) -> Rate:
    """Run ``connections`` workers issuing ``request`` back to back for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(index: int) -> None:
            nonlocal errors
            n = 0
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    ok = await request(session, index * 1_000_000 + n)
                except aiohttp.ClientError:
                    ok = False
                n += 1
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        elapsed = time.perf_counter() - started
    p50, p99 = _percentiles(latencies)
    return Rate(name, len(latencies) / elapsed, len(latencies), errors, p50, p99)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = workdir / "bench.db"
        example = REPO / "sandbox.db.example"
        env = {
            **os.environ,
            "PAYSANDBOX_RATE_LIMITS": "false",
            "PAYSANDBOX_LOG_LEVEL": "warning",
            "PAYSANDBOX_BCRYPT_ROUNDS": "4",
            "PAYSANDBOX_EXAMPLE_DB": str(example if example.exists() else workdir / "none.db"),
            "PAYSANDBOX_WORKSPACES_DIR": str(workdir / "workspaces"),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port), "--db", str(self.db)],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    async def wait_ready(self, limit_seconds: float = 30) -> None:
        deadline = time.monotonic() + limit_seconds
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                try:
                    async with session.get(f"{self.base}/api/health") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "server exited")
                await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def bench_echo(server: ServerProcess, connections: int, seconds: float) -> Rate:
    url = f"{server.base}/_sandbox/bench/echo"

    async def request(session: aiohttp.ClientSession, n: int) -> bool:
        async with session.post(url, json={"value": {"amount": "1.00", "n": n}}) as resp:
            await resp.read()
            return resp.status == 201

    return await drive("(b) trivial JSON POST (framework ceiling)", request, connections=connections, seconds=seconds)


async def _nivo_user(session: aiohttp.ClientSession, base: str, tag: str, index: int) -> tuple[str, str]:
    email = f"bench-{tag}-{index}@paysandbox.test"
    phone = f"+91{9000000000 + index + (500 if tag == 'b' else 0)}"
    body = {"email": email, "password": "SecurePass123", "full_name": f"Bench {tag.upper()}", "phone": phone}
    async with session.post(f"{base}/api/v1/identity/auth/register", json=body) as resp:
        if resp.status not in (200, 201):
            raise RuntimeError(f"register failed: {resp.status} {await resp.text()}")
    async with session.post(
        f"{base}/api/v1/identity/auth/login", json={"email": email, "password": "SecurePass123"}
    ) as r:
        token = (await r.json())["data"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{base}/api/v1/wallet/wallets", json={"currency": "INR"}, headers=headers) as resp:
        wallet = (await resp.json())["data"]["id"]
    async with session.post(f"{base}/api/v1/wallet/wallets/{wallet}/activate", headers=headers) as resp:
        await resp.read()
    return token, wallet


async def bench_nivo_transfers(server: ServerProcess, connections: int, seconds: float) -> Rate:
    base = server.base
    async with aiohttp.ClientSession() as session:
        pairs = []
        # A few sender/recipient pairs so the hot path is not one row (that case is measured in-process).
        for i in range(8):
            token, wallet = await _nivo_user(session, base, "a", i)
            _, target = await _nivo_user(session, base, "b", i)
            deposit = {"wallet_id": wallet, "amount": "40000.00", "currency": "INR", "description": "bench float"}
            headers = {"Authorization": f"Bearer {token}"}
            async with session.post(
                f"{base}/api/v1/transaction/transactions/deposit", json=deposit, headers=headers
            ) as r:
                if r.status not in (200, 201):
                    raise RuntimeError(f"deposit failed: {r.status} {await r.text()}")
            pairs.append((headers, wallet, target))
    url = f"{base}/api/v1/transaction/transactions/transfer"

    async def request(session: aiohttp.ClientSession, n: int) -> bool:
        headers, source, target = pairs[n % len(pairs)]
        body = {
            "from_wallet_id": source,
            "to_wallet_id": target,
            "amount": "1.00",
            "currency": "INR",
            "description": "bench",
        }
        async with session.post(url, json=body, headers=headers) as resp:
            await resp.read()
            return resp.status in (200, 201)

    return await drive("(a) HTTP transfers via Nivo route, JWT auth", request, connections=connections, seconds=seconds)


async def writer_stats(server: ServerProcess) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"{server.base}/_sandbox/bench/writer") as resp:
        stats: dict[str, Any] = await resp.json()
        return stats


def writer_summary(before: dict[str, Any], after: dict[str, Any], seconds: float) -> dict[str, str]:
    """Where the writer thread spent section (a): mean batch size, share of the time busy and in COMMIT."""
    batches = after["batches"] - before["batches"]
    jobs = after["jobs"] - before["jobs"]
    busy = after["busy_seconds"] - before["busy_seconds"]
    commit = after["commit_seconds"] - before["commit_seconds"]
    if not batches or seconds <= 0:
        return {}
    return {
        "(a) writer: jobs per batch, busy share, COMMIT share": (
            f"{jobs / batches:.1f}, {busy / seconds:.0%}, {commit / seconds:.0%}"
            f" ({after.get('checkpoints', 0) - before.get('checkpoints', 0)} background checkpoints)"
        )
    }


async def bench_workspaces(server: ServerProcess, count: int) -> dict[str, Any]:
    times: list[float] = []
    async with aiohttp.ClientSession() as session:
        for i in range(count):
            async with session.post(f"{server.base}/_sandbox/workspaces", json={"name": f"bench-{i}"}) as resp:
                body = await resp.json()
                if resp.status != 201:
                    raise RuntimeError(f"workspace create failed: {resp.status} {body}")
                times.append(float(body["created_ms"]))
    return {f"workspace creation ms (median of {count}, target < 100)": round(statistics.median(times), 1)}


# Sizes of the in-process sections: (postings for (c) and (c'), postings for (d) and (d')).
LEDGER_SIZES = {False: (40_000, 64_000), True: (1_280, 2_000)}


def _ledger_rate(result: Any, note: str = "") -> Rate:
    """A ``bench_ledger.Result`` as a row of the report (no per-posting latencies are sampled there)."""
    return Rate(result.name, result.rate, result.postings, note=note)


def run_ledger_sections(report: Report, quick: bool, callers: int = 64) -> None:
    """(c), (c'), (d), (d'): each on its own fresh temporary SQLite file (see loadtests/bench_ledger.py)."""
    try:
        from loadtests import bench_ledger
    except ImportError as exc:  # pragma: no cover - reported, not hidden
        report.extras["(c)/(d) ledger"] = f"n/a: {exc}"
        return
    postings, plain = LEDGER_SIZES[quick]
    per_commit = 1_000  # the storage ceiling: 1,000 postings per commit
    sections: list[tuple[str, Callable[[], Any], str]] = [
        ("c", lambda: bench_ledger.bench_in_process(postings, callers), ""),
        (
            "c_hot",
            lambda: bench_ledger.bench_in_process(postings, callers, hot_account=True),
            "every posting touches one hot account (debited with its balance check, or credited)",
        ),
        ("d", lambda: bench_ledger.bench_plain_sql(plain, per_commit), ""),
        (
            "d64",
            lambda: bench_ledger.bench_plain_sql(plain, callers),
            f"what {callers} callers allow: each waits for its commit, so a batch holds at most {callers}",
        ),
        (
            "d_loop",
            lambda: bench_ledger.bench_post_in_loop(plain, per_commit),
            "the writer's own code (post_in, savepoint each) without asyncio: what the seeder gets",
        ),
    ]
    for key, measure, note in sections:
        try:
            report.rates[key] = _ledger_rate(measure(), note)
        except Exception as exc:  # one broken section is reported, the others still run
            report.extras[f"({key}) ledger"] = f"n/a: {type(exc).__name__}: {exc}"


def run_seed_section(report: Report, quick: bool) -> None:
    try:
        from seeds.bench import seed_rate

        report.extras.update(seed_rate(quick=quick))
    except Exception as exc:  # reported, not fatal: the other figures still print
        report.extras["seed generation"] = f"n/a: {type(exc).__name__}: {exc}"


async def run_http_sections(args: argparse.Namespace, report: Report, server: ServerProcess) -> None:
    """(b), (a) and workspace creation against one server subprocess (same process settings for all)."""
    seconds = 2.0 if args.quick else args.seconds
    await server.wait_ready()
    report.rates["b"] = await bench_echo(server, args.connections, seconds)
    try:
        before = await writer_stats(server)
        started = time.perf_counter()
        report.rates["a"] = await bench_nivo_transfers(server, args.connections, seconds)
        report.extras.update(writer_summary(before, await writer_stats(server), time.perf_counter() - started))
    except Exception as exc:  # a missing route is reported, not fatal
        report.extras["(a) HTTP transfers"] = f"n/a: {type(exc).__name__}: {exc}"
    try:
        report.extras.update(await bench_workspaces(server, 3 if args.quick else 10))
    except Exception as exc:
        report.extras["workspace creation"] = f"n/a: {type(exc).__name__}: {exc}"


def run(args: argparse.Namespace) -> Report:
    """Every section in turn: HTTP (server subprocess), then in-process ledger and storage, then seeding.

    The in-process sections run after the server has stopped so they do not share the CPU with it.
    """
    report = Report()
    workdir = Path(tempfile.mkdtemp(prefix="paysandbox-bench-"))
    try:
        server = ServerProcess(workdir)
        try:
            asyncio.run(run_http_sections(args, report, server))
        finally:
            server.stop()
        if server.db.exists():
            from app.core.ledger.invariants import check_file

            check = check_file(server.db)
            report.extras["ledger invariants after the HTTP run"] = "ok" if check.ok else check.render()
        run_ledger_sections(report, args.quick, args.connections)
        if not args.no_seed:
            run_seed_section(report, args.quick)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def as_json(report: Report) -> dict[str, Any]:
    return {
        "rates": {k: asdict(v) for k, v in report.rates.items()},
        "ratios": {"a/b": report.ratio("a", "b"), "c/d": report.ratio("c", "d"), "c/d64": report.ratio("c", "d64")},
        "extras": report.extras,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each HTTP section")
    parser.add_argument("--connections", type=int, default=64, help="concurrent HTTP connections and ledger callers")
    parser.add_argument("--quick", action="store_true", help="short run (proves the benchmark works)")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed generation rate (minutes at full size)")
    parser.add_argument("--json", default=None, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    report = run(args)
    print(report.render())
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(report), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
