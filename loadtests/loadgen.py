"""The benchmark's Python load generator, run by loadtests/bench.py in its OWN process:

    python -m loadtests.loadgen SPEC.json OUT.json

Two kinds of run, both with one connection per template (each connection its own user when the
spec lists one template per connection) and a warm-up on the same connections before measuring:

- ``http``: aiohttp, one ``ClientSession`` with a one-connection pool per worker (so a TCP
  connection carries one user's requests only), keep-alive. The fallback when wrk is not on PATH;
  it sends the same requests as loadtests/wrk/requests.lua (same templates, same ``{KEY}`` keys).
- ``ws``: aiohttp WebSocket client, one socket per template, each worker sending one text frame and
  waiting for its reply, back to back (wrk has no WebSocket). Cashier sends a ``connected`` frame
  first (``hello``: read before the warm-up); the bare echo sends nothing.

Spec keys: ``kind``, ``base`` (http://host:port), ``templates`` (list of ``{method, path, body,
headers}`` for http; ``{path, headers, message}`` for ws), ``connections``, ``warmup``, ``seconds``,
``tag`` (key prefix), ``expect`` (substring a successful body must contain, or null), ``ok_statuses``
(http), ``hello`` (ws). OUT gets the same shape as the wrk script's ``WRK_JSON`` line: requests,
duration_us, statuses, bad_body, errors, latency_us (p50/p90/p99/max/mean).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=30)


def percentiles(samples: list[float]) -> dict[str, float]:
    """Latency summary in microseconds (nearest-rank percentiles, like wrk's)."""
    if not samples:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))] * 1e6

    return {
        "p50": rank(50),
        "p90": rank(90),
        "p99": rank(99),
        "max": ordered[-1] * 1e6,
        "mean": sum(ordered) / len(ordered) * 1e6,
    }


class Tally:
    """What one measured window saw (the warm-up's answers are not counted)."""

    def __init__(self) -> None:
        self.measuring = False
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.bad_body = 0
        self.errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}

    def answer(self, status: int, elapsed: float, body_ok: bool) -> None:
        if not self.measuring:
            return
        self.latencies.append(elapsed)
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if status < 300 and not body_ok:
            self.bad_body += 1

    def error(self, kind: str) -> None:
        if self.measuring:
            self.errors[kind] += 1

    def result(self, seconds: float) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "duration_us": int(seconds * 1e6),
            "statuses": self.statuses,
            "bad_body": self.bad_body,
            "errors": self.errors,
            "latency_us": percentiles(self.latencies),
        }


async def _windows(tally: Tally, warmup: float, seconds: float, workers: list[Any]) -> float:
    """Run ``workers`` through the warm-up, then the measured window; returns its length."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker(stop)) for worker in workers]
    await asyncio.sleep(warmup)
    tally.measuring = True
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    tally.measuring = False
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return elapsed


async def run_http(spec: dict[str, Any]) -> dict[str, Any]:
    templates: list[dict[str, Any]] = spec["templates"]
    connections = int(spec["connections"])
    expect = spec.get("expect")
    tally = Tally()
    sessions = [
        aiohttp.ClientSession(
            spec["base"], connector=aiohttp.TCPConnector(limit=1), timeout=TIMEOUT, skip_auto_headers=["User-Agent"]
        )
        for _ in range(connections)
    ]

    def worker(index: int, session: aiohttp.ClientSession) -> Any:
        # Line j belongs to connection j % connections (as in requests.lua): one user per connection,
        # or several when the spec lists more templates than connections, never one shared.
        mine = templates[index::connections] or [templates[index % len(templates)]]
        keyed = "{KEY}" in json.dumps(mine)

        async def loop(stop: asyncio.Event) -> None:
            n = 0
            while not stop.is_set():
                template = mine[n % len(mine)]
                n += 1
                key = f"{spec['tag']}-{index}-{n}"
                headers = {k: v.replace("{KEY}", key) if keyed else v for k, v in template["headers"].items()}
                body = template.get("body")
                if body is not None and keyed:
                    body = body.replace("{KEY}", key)
                start = time.perf_counter()
                try:
                    async with session.request(template["method"], template["path"], data=body, headers=headers) as r:
                        text = await r.text()
                        tally.answer(r.status, time.perf_counter() - start, expect is None or expect in text)
                except TimeoutError:
                    tally.error("timeout")
                except aiohttp.ClientConnectionError:
                    tally.error("read")
                    await asyncio.sleep(0.01)

        return loop

    try:
        elapsed = await _windows(
            tally, float(spec["warmup"]), float(spec["seconds"]), [worker(i, s) for i, s in enumerate(sessions)]
        )
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return tally.result(elapsed)


async def run_ws(spec: dict[str, Any]) -> dict[str, Any]:
    templates: list[dict[str, Any]] = spec["templates"]
    connections = int(spec["connections"])
    expect = spec.get("expect")
    tally = Tally()
    session = aiohttp.ClientSession(timeout=TIMEOUT)
    sockets: list[tuple[Any, str]] = []
    try:
        for index in range(connections):
            template = templates[index % len(templates)]
            ws = await session.ws_connect(
                spec["base"] + template["path"], headers=template.get("headers") or {}, max_msg_size=0
            )
            if spec.get("hello"):
                await ws.receive_str(timeout=30)
            sockets.append((ws, template["message"]))

        def worker(ws: Any, message: str) -> Any:
            wanted = expect if expect is not None else message

            async def loop(stop: asyncio.Event) -> None:
                while not stop.is_set():
                    start = time.perf_counter()
                    try:
                        await ws.send_str(message)
                        reply = await ws.receive_str(timeout=30)
                    except TimeoutError:
                        tally.error("timeout")
                        return
                    except (aiohttp.ClientError, TypeError, ConnectionError):
                        tally.error("read")  # a closed socket: receive_str raises TypeError on a close frame
                        return
                    tally.answer(200, time.perf_counter() - start, wanted in reply)

            return loop

        elapsed = await _windows(tally, float(spec["warmup"]), float(spec["seconds"]), [worker(*s) for s in sockets])
    finally:
        for ws, _ in sockets:
            await ws.close()
        await session.close()
    return tally.result(elapsed)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m loadtests.loadgen SPEC.json OUT.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text())
    runner = run_ws if spec["kind"] == "ws" else run_http
    result = asyncio.run(runner(spec))
    Path(args[1]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
