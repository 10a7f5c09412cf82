"""The benchmark: the sandbox's routes side by side with a bare Litestar ceiling, in one run.

    python -m loadtests.bench [--seconds 5] [--connections 64] [--quick] [--json out.json]
                              [--generator auto|wrk|aiohttp] [--wrk-threads N] [--history 100000]

Two servers, each in its own process under the same uvicorn with the same flags (both from
app/server_options.py, the definition ``paysandbox serve`` uses; see loadtests/bare_app.py):

- the CEILING: loadtests/bare_app.py, a bare Litestar app (GET a small JSON object, POST decoding a
  msgspec struct, a WebSocket echo; no middleware, no database);
- the PROJECT: ``paysandbox serve`` on a scratch copy of sandbox.db.example with rate limits lifted
  (PAYSANDBOX_RATE_LIMITS=false), the scheduler on.

Measured (each route warmed up, then measured for --seconds; HTTP with wrk and loadtests/wrk/requests.lua
when wrk is on PATH, else the aiohttp generator; WebSockets with an aiohttp client; every generator in
a process of its own):

- ceiling: bare GET, bare POST, bare WebSocket echo; measured before the project rows and again after
  them (the project stopped), the ratios use the mean of the two and the drift shows the noise; beside
  them, with no target, the bare GET from a handler with the platforms' shape (a path parameter and two
  chained dependencies): its ratio to the bare GET is what Litestar itself charges every r1 route;
- r0: an unknown path (404) and GET /api/health;
- r1: authenticated reads on every platform (Tribble wallet, Nivo wallet balance, T-Wallet account,
  Drop /api/auth/me as alice; Cashier get_account_balance, one WebSocket per user);
- r2: money writes with one user per connection (Nivo transfer, T-Wallet send, Tribble payment,
  Drop QR payment; Tribble's connections cycle through 4 users each, as its tier-3 cap of 200
  payments a day would end the route), each request with a fresh Idempotency-Key / X-Request-ID;
- r3: the Tribble wallet read on an account with --history ledger entries and on one with 10;
- r4: p50 / p99 of every route;
- in-process ledger and storage figures (c), (c'), (d), (d64), (d') from loadtests/bench_ledger.py.

Each ratio is printed beside its target with OK / MISS. Afterwards ``paysandbox check`` runs on the
copy. Exit 0; 1 when a ledger invariant breaks or more than 1% of any route's requests failed (a
MISS alone does not fail the run); 2 when the benchmark could not set up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from loadtests import bare_app
from loadtests.bench_drive import Measurement, Route, run_loadgen, run_wrk, wrk_version
from loadtests.bench_setup import (
    SMALL_HISTORY,
    TRIBBLE_USERS_PER_CONNECTION,
    DatabaseFacts,
    SetupError,
    Template,
    Users,
    WsTemplate,
    body,
    json_post,
    prepare_database,
    prepare_users,
)

REPO = Path(__file__).resolve().parent.parent
MAX_FAILURE_RATIO = 0.01
P99_FACTOR = 4.0
CASHIER_WS = "/cashier/svc/ws"
# Sizes of the in-process sections: (postings for (c) and (c'), postings for (d), (d64) and (d')).
LEDGER_SIZES = {False: (40_000, 64_000), True: (1_280, 2_000)}


# -- servers ---------------------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def paysandbox_command() -> list[str]:
    """``paysandbox`` as installed next to this interpreter (the console script), else ``python -m app.cli``."""
    script = Path(sys.executable).parent / "paysandbox"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


class Server:
    """A server subprocess (in the benchmark's process group: a kill of the group ends it too), logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path, port: int) -> None:
        self.name, self.port, self.log = name, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.command = command
        with log.open("wb") as out:
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SetupError(f"{self.name} exited ({self.proc.returncode}): {self.log.read_text()[-1500:]}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise SetupError(f"{self.name} did not answer {path} within {limit:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def control(base: str, method: str, path: str, value: Any = None) -> Any:
    data = json.dumps(value).encode() if value is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def writer_stats(base: str) -> dict[str, Any] | None:
    try:
        stats: dict[str, Any] = control(base, "GET", "/_sandbox/bench/writer")
        return stats
    except (OSError, ValueError):
        return None


def quiesce(base: str, limit: float = 30.0) -> float:
    """Wait until the writer has taken no job for 0.5 s (T-Wallet sends settle 2 s after they are
    accepted), so one route's trailing work does not run during the next route. Returns the wait."""
    started = time.monotonic()
    last = writer_stats(base)
    quiet_since = time.monotonic()
    while last is not None and time.monotonic() - started < limit:
        time.sleep(0.1)
        now = writer_stats(base)
        if now is None or now.get("jobs") != last.get("jobs"):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 0.5:
            break
        last = now
    return time.monotonic() - started


# -- routes ----------------------------------------------------------------------------------------------
def cashier_frames(users: Users) -> list[str]:
    return [
        body({"type": "get_account_balance", "data": {"account_number": user.account_number}}) for user in users.nivo
    ]


def ceiling_routes(users: Users, connections: int) -> list[Route]:
    transfer = {
        "from_wallet_id": users.nivo[0].wallet_id,
        "to_wallet_id": users.nivo[-1].wallet_id,
        "amount": "1.00",
        "currency": "INR",
        "description": "bench",
    }
    return [
        Route(
            "bare_get", "ceiling", f"bare GET {bare_app.GET_PATH}", "bare", "http", [Template("GET", bare_app.GET_PATH)]
        ),
        Route(
            "bare_shape",
            "ceiling",
            "bare GET /bare/shape/{id} (path param, 2 chained deps)",
            "bare",
            "http",
            [Template("GET", bare_app.SHAPE_PATH.replace("{wallet_id:str}", "wallet-1"))],
        ),
        Route(
            "bare_post",
            "ceiling",
            f"bare POST {bare_app.POST_PATH} (msgspec struct)",
            "bare",
            "http",
            [json_post(bare_app.POST_PATH, transfer, {"Idempotency-Key": "{KEY}"})],
            ok_statuses=(201,),
        ),
        Route(
            "bare_ws",
            "ceiling",
            f"bare WebSocket echo {bare_app.WS_PATH}",
            "bare",
            "ws",
            [WsTemplate(bare_app.WS_PATH, frame) for frame in cashier_frames(users)],
            users=f"{connections} sockets, Cashier's frames",
        ),
    ]


def project_routes(users: Users, facts: DatabaseFacts, connections: int) -> list[Route]:
    alice = users.alice
    bearer = {"Authorization": f"Bearer {alice.token}"}
    each = f"{connections} users, one per connection"
    nivo = users.nivo
    reads = [
        Route(
            "r0_404", "r0", "unknown path (404)", "project", "http", [Template("GET", "/bench/no-such-route")], (404,)
        ),
        Route("r0_health", "r0", "GET /api/health", "project", "http", [Template("GET", "/api/health")]),
        Route(
            "r1_tribble",
            "r1",
            "Tribble GET /api/v1/wallets/{walletId}",
            "project",
            "http",
            [Template("GET", f"/api/v1/wallets/{alice.tribble_wallet}", headers=bearer)],
            users="alice",
        ),
        Route(
            "r1_nivo",
            "r1",
            "Nivo GET /api/v1/wallet/wallets/{id}/balance",
            "project",
            "http",
            [Template("GET", f"/api/v1/wallet/wallets/{alice.nivo_wallet}/balance", headers=bearer)],
            users="alice",
        ),
        Route(
            "r1_twallet",
            "r1",
            "T-Wallet GET /profile/account/{account}",
            "project",
            "http",
            [Template("GET", f"/profile/account/{alice.twallet_account}", headers={"X-Authorization": alice.token})],
            users="alice",
        ),
        Route(
            "r1_drop",
            "r1",
            "Drop GET /api/auth/me",
            "project",
            "http",
            [Template("GET", "/api/auth/me", headers=bearer)],
            users="alice",
        ),
        Route(
            "r1_cashier",
            "r1",
            "Cashier get_account_balance (WebSocket)",
            "project",
            "ws",
            [
                WsTemplate(CASHIER_WS, frame, {"Authorization": f"Bearer {user.token}"})
                for user, frame in zip(nivo, cashier_frames(users), strict=True)
            ],
            expect='"type":"success"',
            hello=True,
            users=f"{connections} users, one socket each",
        ),
        Route(
            "r3_big",
            "r3",
            f"Tribble wallet read, {facts.big.entries:,} entries",
            "project",
            "http",
            [
                Template(
                    "GET",
                    f"/api/v1/wallets/{users.big.tribble_wallet}",
                    headers={"Authorization": f"Bearer {users.big.token}"},
                )
            ],
            users=facts.big.number,
        ),
        Route(
            "r3_small",
            "r3",
            f"Tribble wallet read, {facts.small.entries:,} entries",
            "project",
            "http",
            [
                Template(
                    "GET",
                    f"/api/v1/wallets/{users.small.tribble_wallet}",
                    headers={"Authorization": f"Bearer {users.small.token}"},
                )
            ],
            users=facts.small.number,
        ),
        Route(
            "diag_echo",
            "diag",
            "project POST /_sandbox/bench/echo (stack, no ledger)",
            "project",
            "http",
            [
                json_post(
                    "/_sandbox/bench/echo",
                    {"value": {"amount": "1.00", "currency": "INR"}},
                    {"Idempotency-Key": "{KEY}"},
                )
            ],
            ok_statuses=(201,),
        ),
    ]
    ring = list(range(1, len(nivo))) + [0]  # user i pays user i+1: no hot recipient account
    writes = [
        Route(
            "r2_nivo",
            "r2",
            "Nivo POST /api/v1/transaction/transactions/transfer",
            "project",
            "http",
            [
                json_post(
                    "/api/v1/transaction/transactions/transfer",
                    {
                        "from_wallet_id": user.wallet_id,
                        "to_wallet_id": nivo[ring[i]].wallet_id,
                        "amount": "1.00",
                        "currency": "INR",
                        "description": "bench",
                    },
                    {"Authorization": f"Bearer {user.token}", "Idempotency-Key": "{KEY}"},
                )
                for i, user in enumerate(nivo)
            ],
            ok_statuses=(201,),
            write=True,
            users=each,
        ),
        Route(
            "r2_twallet",
            "r2",
            "T-Wallet POST /profile/send-to-profile",
            "project",
            "http",
            [
                json_post(
                    "/profile/send-to-profile",
                    {
                        "from_account_id": user.twallet_account,
                        "to_profile_id": nivo[ring[i]].profile_id,
                        "asset_key": "INR",
                        "amount": "1.00",
                        "meta_data": {"notes": "bench"},
                    },
                    {"X-Authorization": user.token, "Idempotency-Key": "{KEY}"},
                )
                for i, user in enumerate(nivo)
            ],
            expect='"code":200',
            write=True,
            users=each,
        ),
        Route(
            "r2_tribble",
            "r2",
            "Tribble POST /api/v1/transactions (wallet payment)",
            "project",
            "http",
            [
                json_post(
                    "/api/v1/transactions",
                    {
                        "amount": 1.0,
                        "currency": "USD",
                        "customerId": user.uuid,
                        "merchantId": facts.tribble_merchant,
                        "paymentMethodId": "wallet",
                        "description": "bench",
                    },
                    {"Authorization": f"Bearer {user.token}", "Idempotency-Key": "{KEY}"},
                )
                for user in users.tribble
            ],
            ok_statuses=(201,),
            write=True,
            users=f"{connections} connections, {TRIBBLE_USERS_PER_CONNECTION} users each (tier 3: 200 payments a day)",
        ),
        Route(
            "r2_drop",
            "r2",
            "Drop POST /api/transactions/qr-payment",
            "project",
            "http",
            [
                json_post(
                    "/api/transactions/qr-payment",
                    {"merchantId": facts.drop_merchant, "amount": 1.0},
                    {"Authorization": f"Bearer {user.token}", "X-Request-ID": "{KEY}"},
                )
                for user in users.drop
            ],
            ok_statuses=(201,),
            write=True,
            users=each,
        ),
    ]
    return reads + writes


# -- targets ---------------------------------------------------------------------------------------------
@dataclass
class Ratio:
    label: str
    value: float | None
    target: float
    at_most: bool = False  # p99 ratios: the value must stay at or below the target

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        return "OK" if (self.value <= self.target if self.at_most else self.value >= self.target) else "MISS"


# (route, target, ceiling it is compared with, how the ratio is named)
RATE_TARGETS: list[tuple[str, float, str, str]] = [
    ("r0_404", 0.8, "bare_get", "unknown path (404) / bare GET"),
    ("r0_health", 0.8, "bare_get", "GET /api/health / bare GET"),
    ("r1_tribble", 0.6, "bare_get", "Tribble wallet read / bare GET"),
    ("r1_nivo", 0.6, "bare_get", "Nivo wallet balance / bare GET"),
    ("r1_twallet", 0.6, "bare_get", "T-Wallet account / bare GET"),
    ("r1_drop", 0.6, "bare_get", "Drop /api/auth/me / bare GET"),
    ("r1_cashier", 0.6, "bare_ws", "Cashier get_account_balance / bare WS echo"),
    ("r2_nivo", 0.4, "bare_post", "Nivo transfer / bare POST"),
    ("r2_twallet", 0.4, "bare_post", "T-Wallet send / bare POST"),
    ("r2_tribble", 0.3, "bare_post", "Tribble payment / bare POST"),
    ("r2_drop", 0.3, "bare_post", "Drop QR payment / bare POST"),
]
CEILING_NAMES = {"bare_get": "bare GET", "bare_post": "bare POST", "bare_ws": "bare WS echo"}
C_D64_TARGET = 0.75


@dataclass
class Report:
    meta: dict[str, Any] = field(default_factory=dict)
    ceiling_before: dict[str, Measurement] = field(default_factory=dict)
    ceiling_after: dict[str, Measurement] = field(default_factory=dict)
    rows: dict[str, Measurement] = field(default_factory=dict)
    route_errors: dict[str, str] = field(default_factory=dict)
    ledger: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)
    check: dict[str, Any] = field(default_factory=dict)

    # The ceiling figure a ratio uses: the mean of the runs before and after the project rows.
    def ceiling(self, key: str, attr: str) -> float | None:
        values = [getattr(m[key], attr) for m in (self.ceiling_before, self.ceiling_after) if key in m]
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    def ratios(self) -> list[tuple[str, Ratio]]:
        out: list[tuple[str, Ratio]] = []
        for key, target, ceiling, name in RATE_TARGETS:
            row, base = self.rows.get(key), self.ceiling(ceiling, "per_second")
            value = row.per_second / base if row and base else None
            out.append((key.split("_")[0], Ratio(name, value, target)))
        big, small = self.rows.get("r3_big"), self.rows.get("r3_small")
        value = big.per_second / small.per_second if big and small and small.per_second else None
        entries = f"{big.label.rsplit(', ', 1)[-1]}" if big else "big history"
        out.append(("r3", Ratio(f"Tribble wallet read, {entries} / 10 entries", value, 0.9)))
        for row in self.rows.values():
            if row.group == "diag":
                continue
            ceiling = "bare_ws" if row.key == "r1_cashier" else ("bare_post" if row.group == "r2" else "bare_get")
            base = self.ceiling(ceiling, "p99_ms")
            value = row.p99_ms / base if row.p99_ms is not None and base else None
            name = f"p99 {row.label.split(' (')[0]} / {CEILING_NAMES[ceiling]}"
            out.append(("r4", Ratio(name, value, P99_FACTOR, at_most=True)))
        c, d64 = self.ledger.get("c"), self.ledger.get("d64")
        value = c["per_second"] / d64["per_second"] if c and d64 and d64["per_second"] else None
        out.append(("ledger", Ratio("c / d64 (ledger vs plain SQL, same commit size)", value, C_D64_TARGET)))
        return out

    def shape_ratio(self) -> float | None:
        """The bare app's read with the platforms' handler shape over its plain read: what Litestar's
        path parameter and dependency injection cost before the project runs any code of its own."""
        shape, bare = self.ceiling("bare_shape", "per_second"), self.ceiling("bare_get", "per_second")
        return shape / bare if shape and bare else None

    def failing_routes(self) -> list[str]:
        bad = [k for k, m in self.all_measurements() if m.failure_ratio > MAX_FAILURE_RATIO]
        return bad + [f"{k} (did not run)" for k in self.route_errors]

    def all_measurements(self) -> list[tuple[str, Measurement]]:
        return (
            [(f"{k} (before)", m) for k, m in self.ceiling_before.items()]
            + list(self.rows.items())
            + [(f"{k} (after)", m) for k, m in self.ceiling_after.items()]
        )

    def exit_code(self) -> int:
        return 0 if self.check.get("ok") and not self.failing_routes() else 1

    def render(self) -> str:
        lines = [f"paysandbox benchmark ({self.meta.get('started', '')})"]
        for key, value in self.meta.items():
            if key != "started":
                lines.append(f"  {key + ':':<11} {value}")
        header = f"{'':9}{'route':56} {'gen':>10} {'ok/s':>8} {'answered':>9} {'fail%':>6} {'p50 ms':>8} {'p99 ms':>8}"
        lines += ["", header]

        def row(tag: str, m: Measurement) -> str:
            p50 = f"{m.p50_ms:.2f}" if m.p50_ms is not None else "-"
            p99 = f"{m.p99_ms:.2f}" if m.p99_ms is not None else "-"
            text = f"{tag:9}{m.label[:56]:56} {m.generator:>10} {m.per_second:8.0f} {m.requests:9d} "
            text += f"{m.failure_ratio * 100:6.2f} {p50:>8} {p99:>8}"
            if m.failure_ratio > MAX_FAILURE_RATIO:
                text += f"  FAILED {m.statuses} errors {m.errors} bad body {m.bad_body}"
            return text

        for key, m in self.ceiling_before.items():
            lines.append(row("ceiling", m))
            after = self.ceiling_after.get(key)
            if after is not None:
                drift = (after.per_second / m.per_second - 1) * 100 if m.per_second else 0.0
                lines.append(row("  after", after) + f"  (drift {drift:+.0f}%)")
        for m in self.rows.values():
            lines.append(row(m.group, m))
            if m.users:
                lines.append(f"{'':9}  users: {m.users}")
            if "writer" in m.extra:
                lines.append(f"{'':9}  writer: {m.extra['writer']}")
        for key, error in self.route_errors.items():
            lines.append(f"{'':9}{key}: did not run: {error}")
        lines += [
            "",
            f"{'':9}{'in-process ledger (loadtests/bench_ledger.py)':56} {'':>10} {'per s':>8} {'postings':>9}",
        ]
        for value in self.ledger.values():
            lines.append(f"{'ledger':9}{value['name'][:56]:56} {'':>10} {value['per_second']:8.0f} {value['count']:9d}")
            if value.get("note"):
                lines.append(f"{'':9}  {value['note']}")
        c, d = self.ledger.get("c"), self.ledger.get("d")
        if c and d and d["per_second"]:
            lines.append(
                f"{'':9}c / d (1,000 per commit, for reference, no target): {c['per_second'] / d['per_second']:.2f}"
            )
        shape = self.shape_ratio()
        if shape is not None:
            what = "Litestar's own cost of the platforms' handler shape, no target"
            lines.append(f"{'':9}bare shape / bare GET ({what}): {shape:.2f}")
        lines += ["", f"{'':9}{'ratio':72} {'value':>7} {'target':>10}  verdict"]
        for tag, ratio in self.ratios():
            shown = f"{ratio.value:.2f}" if ratio.value is not None else "n/a"
            target = f"{'<=' if ratio.at_most else '>='} {ratio.target:g}"
            lines.append(f"{tag:9}{ratio.label[:72]:72} {shown:>7} {target:>10}  {ratio.verdict}")
        for key, value in self.extras.items():
            lines.append(f"{key}: {value}")
        lines.append("")
        lines.append(f"ledger invariants (paysandbox check --db <copy>): {'ok' if self.check.get('ok') else 'BROKEN'}")
        for text in self.check.get("output", "").splitlines():
            lines.append(f"  {text}")
        failing = self.failing_routes()
        shown = ", ".join(failing) if failing else "none"
        lines.append(f"routes with more than {MAX_FAILURE_RATIO:.0%} failed requests: {shown}")
        misses = sum(1 for _, r in self.ratios() if r.verdict == "MISS")
        lines.append(
            f"paysandbox benchmark: {'PASSED' if self.exit_code() == 0 else 'FAILED'} "
            f"(targets: {misses} MISS of {len(self.ratios())}; a MISS does not fail the run)"
        )
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        def dump(m: Measurement) -> dict[str, Any]:
            data = asdict(m)
            data["failure_ratio"] = m.failure_ratio
            data["extra"] = {k: v for k, v in m.extra.items() if k != "wrk_output"}
            return data

        return {
            "meta": self.meta,
            "ceiling_before": {k: dump(m) for k, m in self.ceiling_before.items()},
            "ceiling_after": {k: dump(m) for k, m in self.ceiling_after.items()},
            "ceiling_mean": {
                k: {"per_second": self.ceiling(k, "per_second"), "p99_ms": self.ceiling(k, "p99_ms")}
                for k in self.ceiling_before
            },
            "rows": {k: dump(m) for k, m in self.rows.items()},
            "route_errors": self.route_errors,
            "ledger": self.ledger,
            "ratios": [
                {
                    "group": tag,
                    "label": r.label,
                    "value": r.value,
                    "target": r.target,
                    "at_most": r.at_most,
                    "verdict": r.verdict,
                }
                for tag, r in self.ratios()
            ],
            "shape_ratio": self.shape_ratio(),
            "extras": self.extras,
            "check": self.check,
            "failing_routes": self.failing_routes(),
            "exit_code": self.exit_code(),
        }


# -- the in-process ledger sections (unchanged measures: loadtests/bench_ledger.py) ----------------------
def run_ledger_sections(report: Report, quick: bool, callers: int) -> None:
    from loadtests import bench_ledger

    postings, plain = LEDGER_SIZES[quick]
    sections: list[tuple[str, Callable[[], Any], str]] = [
        ("c", lambda: bench_ledger.bench_in_process(postings, callers), ""),
        (
            "c_hot",
            lambda: bench_ledger.bench_in_process(postings, callers, hot_account=True),
            "every posting touches one hot account (debited with its balance check, or credited)",
        ),
        ("d", lambda: bench_ledger.bench_plain_sql(plain, 1_000), ""),
        (
            "d64",
            lambda: bench_ledger.bench_plain_sql(plain, callers),
            f"what {callers} callers allow: each waits for its commit, so a batch holds at most {callers}",
        ),
        (
            "d_loop",
            lambda: bench_ledger.bench_post_in_loop(plain, 1_000),
            "the writer's own code (post_in, savepoint each) without asyncio: what the seeder gets",
        ),
    ]
    for key, measure, note in sections:
        try:
            result = measure()
            report.ledger[key] = {
                "name": result.name,
                "per_second": result.rate,
                "count": result.postings,
                "note": note,
            }
        except Exception as exc:  # one broken section is reported, the others still run
            report.extras[f"ledger ({key})"] = f"n/a: {type(exc).__name__}: {exc}"


# -- the run ---------------------------------------------------------------------------------------------
@dataclass
class Plan:
    seconds: float
    warmup: float
    connections: int
    threads: int
    generator: str  # wrk | aiohttp
    workdir: Path
    tag: str


def drive(plan: Plan, base: str, route: Route) -> Measurement:
    if route.kind == "http" and plan.generator == "wrk":
        return run_wrk(
            base,
            route,
            connections=plan.connections,
            threads=plan.threads,
            warmup=plan.warmup,
            seconds=plan.seconds,
            workdir=plan.workdir,
            tag=f"{plan.tag}{route.key}",
        )
    return run_loadgen(
        base,
        route,
        connections=plan.connections,
        warmup=plan.warmup,
        seconds=plan.seconds,
        workdir=plan.workdir,
        tag=f"{plan.tag}{route.key}",
    )


def _writer_line(before: dict[str, Any] | None, after: dict[str, Any] | None, seconds: float) -> str | None:
    if not before or not after:
        return None
    batches = after["batches"] - before["batches"]
    jobs = after["jobs"] - before["jobs"]
    if not batches or seconds <= 0:
        return None
    busy = (after["busy_seconds"] - before["busy_seconds"]) / seconds
    commit = (after["commit_seconds"] - before["commit_seconds"]) / seconds
    return f"{jobs / batches:.1f} jobs per batch, busy {busy:.0%}, COMMIT {commit:.0%} (warm-up + measure)"


def measure_into(target: dict[str, Measurement], report: Report, plan: Plan, base: str, route: Route) -> None:
    print(f"  measuring {route.key} ...", file=sys.stderr, flush=True)
    before = writer_stats(base) if route.write else None
    started = time.monotonic()
    try:
        result = drive(plan, base, route)
    except Exception as exc:  # reported (and failing the run), the other routes still run
        report.route_errors[route.key] = f"{type(exc).__name__}: {exc}"[:500]
        return
    if route.write:
        line = _writer_line(before, writer_stats(base), time.monotonic() - started)
        if line:
            result.extra["writer"] = line
        result.extra["quiesce_seconds"] = round(quiesce(base), 2)
    target[route.key] = result


def server_env(workdir: Path, log_level: str) -> dict[str, str]:
    """One environment for both servers (the bare app reads the same uvicorn flags from it)."""
    return {
        **os.environ,
        "PAYSANDBOX_RATE_LIMITS": "false",
        "PAYSANDBOX_LOG_LEVEL": log_level,
        "PAYSANDBOX_BCRYPT_ROUNDS": "4",  # registration in the setup only; no measured route hashes
        "PAYSANDBOX_CONTROL_TOKEN": "",
        "PAYSANDBOX_WORKSPACES_DIR": str(workdir / "workspaces"),
        "PYTHONUNBUFFERED": "1",
    }


def run(args: argparse.Namespace) -> tuple[Report, int]:
    report = Report()
    wrk = wrk_version() if args.generator in ("auto", "wrk") else None
    if args.generator == "wrk" and wrk is None:
        print("paysandbox benchmark: --generator wrk but wrk is not on PATH", file=sys.stderr)
        return report, 2
    generator = "wrk" if wrk else "aiohttp"
    threads = min(args.wrk_threads or args.connections, args.connections)
    workdir = Path(tempfile.mkdtemp(prefix="paysandbox-bench-"))
    plan = Plan(args.seconds, args.warmup, args.connections, threads, generator, workdir, f"b{os.getpid()}")
    env = server_env(workdir, args.log_level)
    options, source = bare_app.uvicorn_options(env)
    if generator == "wrk":
        if threads == args.connections:
            per = "one connection per thread: each write connection is its own user for the whole run"
        else:
            per = (
                f"{args.connections // threads} connections per thread, cycling through that thread's users in "
                "request(): a connection does not keep one user"
            )
        http = f"{wrk} with loadtests/wrk/requests.lua, wrk -t{threads} -c{args.connections} ({per})"
    else:
        http = (
            f"aiohttp (wrk not on PATH or --generator aiohttp), python -m loadtests.loadgen in a subprocess, "
            f"{args.connections} connections, one session and user per connection"
        )
    report.meta.update(
        started=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        generator=http,
        websocket=f"aiohttp client, python -m loadtests.loadgen in a subprocess, {args.connections} sockets",
        timing=f"warm-up {plan.warmup:g} s then {plan.seconds:g} s measured per route, every route in turn",
        uvicorn=f"both servers, from {source}: {bare_app.describe_options(options)}",
        ceiling="python -m loadtests.bare_app (loadtests/bare_app.py), its own process",
        project=f"{' '.join(paysandbox_command())} serve on a copy of {Path(args.example).name}, its own process, "
        "PAYSANDBOX_RATE_LIMITS=false, PAYSANDBOX_BCRYPT_ROUNDS=4 (setup logins only), scheduler on",
        machine=f"{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start",
    )
    servers: list[Server] = []
    try:
        try:
            port = free_port()
            bare_command = [sys.executable, "-m", "loadtests.bare_app", "--port", str(port)]
            bare = Server("the bare app", bare_command, env, workdir / "bare.log", port)
            servers.append(bare)
            facts = prepare_database(Path(args.example), workdir / "bench.db", args.history)
            report.meta["history"] = (
                f"{facts.postings:,} postings by post_in in {facts.build_seconds:.1f} s: {facts.big.number} "
                f"({facts.big.entries:,} entries, {facts.big.email}), {facts.small.number} "
                f"({facts.small.entries:,} entries, {facts.small.email})"
            )
            port = free_port()
            project_command = paysandbox_command() + ["serve", "--host", "127.0.0.1", "--port", str(port)]
            project_command += ["--db", str(facts.db), "--workspaces-dir", str(workdir / "workspaces")]
            project = Server("paysandbox serve", project_command, env, workdir / "project.log", port)
            servers.append(project)
            bare.wait_ready(bare_app.GET_PATH)
            project.wait_ready("/api/health")
            users = asyncio.run(prepare_users(project.base, args.connections, facts))
        except (SetupError, OSError, aiohttp.ClientError) as exc:  # OSError: TimeoutError too
            print(f"paysandbox benchmark: setup failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            print(f"paysandbox benchmark: logs kept in {workdir}", file=sys.stderr)
            return report, 2
        report.meta["users"] = (
            f"{args.connections} Nivo (Nivo transfers, T-Wallet sends, Cashier reads), {args.connections} Tribble, "
            f"{args.connections} Drop users registered and funded through the platforms' routes, tokens from "
            f"POST /_sandbox/tokens, in {users.seconds:.1f} s"
        )
        quiesce(project.base)  # the setup's trailing work (card fundings, events) does not overlap the ceiling
        ceiling = ceiling_routes(users, args.connections)
        for route in ceiling:
            measure_into(report.ceiling_before, report, plan, bare.base, route)
        for route in project_routes(users, facts, args.connections):
            measure_into(report.rows, report, plan, project.base, route)
        project.stop()
        check = subprocess.run(
            paysandbox_command() + ["check", "--db", str(facts.db)], cwd=REPO, capture_output=True, text=True
        )
        report.check = {"ok": check.returncode == 0, "output": (check.stdout + check.stderr).strip()}
        for route in ceiling:
            measure_into(report.ceiling_after, report, plan, bare.base, route)
    finally:
        for server in reversed(servers):
            server.stop()
    run_ledger_sections(report, args.quick, args.connections)
    if args.seed_rate:
        try:
            from seeds.bench import seed_rate

            report.extras.update(seed_rate(quick=args.quick))
        except Exception as exc:
            report.extras["seed generation"] = f"n/a: {type(exc).__name__}: {exc}"
    code = report.exit_code()
    if code == 0 and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        report.extras["scratch directory (database, server logs, generator inputs)"] = str(workdir)
    return report, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per route (5; --quick: 1)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per route (1; --quick: 0.3)")
    parser.add_argument("--connections", type=int, default=64, help="connections (and users per write route)")
    parser.add_argument("--quick", action="store_true", help="short run (proves the benchmark works)")
    parser.add_argument("--generator", choices=("auto", "wrk", "aiohttp"), default="auto", help="HTTP load generator")
    parser.add_argument("--wrk-threads", type=int, default=None, help="wrk threads (default: one per connection)")
    parser.add_argument("--history", type=int, default=100_000, help="ledger entries of the r3 account")
    parser.add_argument("--log-level", default="warning", help="PAYSANDBOX_LOG_LEVEL of both servers")
    parser.add_argument(
        "--example", default=None, help="example database to copy (default: PAYSANDBOX_EXAMPLE_DB, sandbox.db.example)"
    )
    parser.add_argument("--seed-rate", action="store_true", help="also measure the seed generation rate (minutes)")
    parser.add_argument(
        "--no-seed", action="store_true", help=argparse.SUPPRESS
    )  # the default now; kept for old scripts
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory even when the run passes")
    parser.add_argument("--json", default=None, help="also write every figure as JSON to this file")
    args = parser.parse_args(argv)
    if args.example is None:
        from app.settings import Settings

        args.example = str(Settings.load().example_db)
    if args.seconds is None:
        args.seconds = 1.0 if args.quick else 5.0
    if args.warmup is None:
        args.warmup = 0.3 if args.quick else 1.0
    if args.history < SMALL_HISTORY or args.connections < 2:
        parser.error(f"--history must be at least {SMALL_HISTORY} and --connections at least 2")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: the finally blocks stop both servers
    started = time.monotonic()
    report, code = run(args)
    if code == 2:
        return 2
    report.extras["benchmark wall time"] = f"{time.monotonic() - started:.0f} s"
    print(report.render())
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_json(), indent=2))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
