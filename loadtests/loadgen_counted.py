"""Exactly N requests per connection between two callgrind marks, in its own process:

    python -m loadtests.loadgen_counted SPEC.json OUT.json

For loadtests/request_cost.py: the server runs under callgrind, so what matters is not how fast the
answers come but that the server handles a known number of requests between ``zero`` and ``dump``
(``POST /_sandbox/bench/callgrind``). Each connection sends ``warmup_requests`` back to back, then
(all connections done, ``settle_seconds`` waited, counters zeroed) ``requests`` more; when all are
answered and ``trailing_seconds`` have passed (a write's trailing work: T-Wallet's settlement), the
counters are dumped under ``name``. With ``requests`` 0 and no templates it measures an idle window.
Connections and ``{KEY}`` keys as in loadtests/loadgen.py (line j of the templates belongs to
connection j % connections).

OUT: ``{"requests", "answered", "statuses", "mark"}`` (``answered`` counts the measured requests
that got an answer with an expected status)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=600)  # a server under valgrind answers ~50x slower
Sender = Callable[[int], Awaitable[int]]


def _keyed(template: dict[str, Any], key: str) -> tuple[dict[str, str], str | None]:
    headers = {k: v.replace("{KEY}", key) for k, v in template.get("headers", {}).items()}
    body = template.get("body")
    return headers, body.replace("{KEY}", key) if body is not None else None


async def _http_senders(spec: dict[str, Any], stack: list[Any]) -> list[Sender]:
    templates, connections = spec["templates"], int(spec["connections"])
    senders: list[Sender] = []
    for index in range(connections):
        session = aiohttp.ClientSession(spec["base"], connector=aiohttp.TCPConnector(limit=1), timeout=TIMEOUT)
        stack.append(session)
        mine = templates[index::connections] or [templates[index % len(templates)]]

        async def send(n: int, session: aiohttp.ClientSession = session, mine: list[Any] = mine, i: int = index) -> int:
            template = mine[n % len(mine)]
            headers, body = _keyed(template, f"{spec['tag']}-{i}-{n}")
            async with session.request(template["method"], template["path"], data=body, headers=headers) as r:
                await r.read()
                return r.status

        senders.append(send)
    return senders


async def _ws_senders(spec: dict[str, Any], stack: list[Any]) -> list[Sender]:
    session = aiohttp.ClientSession(timeout=TIMEOUT)
    stack.append(session)
    senders: list[Sender] = []
    for index in range(int(spec["connections"])):
        template = spec["templates"][index % len(spec["templates"])]
        ws = await session.ws_connect(spec["base"] + template["path"], headers=template.get("headers") or {})
        stack.append(ws)
        if spec.get("hello"):
            await ws.receive_str(timeout=600)

        async def send(n: int, ws: Any = ws, message: str = template["message"]) -> int:
            await ws.send_str(message)
            reply = await ws.receive_str(timeout=600)
            return 200 if spec.get("expect") is None or spec["expect"] in reply else 0

        senders.append(send)
    return senders


async def _phase(senders: list[Sender], first: int, count: int, statuses: dict[str, int]) -> None:
    async def one_connection(send: Sender) -> None:
        for n in range(first, first + count):
            status = await send(n)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    await asyncio.gather(*(one_connection(send) for send in senders))


async def _mark(control: aiohttp.ClientSession, action: str, name: str) -> dict[str, Any]:
    async with control.post("/_sandbox/bench/callgrind", json={"action": action, "name": name}) as resp:
        resp.raise_for_status()
        answer: dict[str, Any] = await resp.json()
        return answer


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    stack: list[Any] = []
    control = aiohttp.ClientSession(spec["control"], timeout=TIMEOUT)
    stack.append(control)
    try:
        make = _ws_senders if spec["kind"] == "ws" else _http_senders
        senders = await make(spec, stack)
        warm: dict[str, int] = {}
        await _phase(senders, 0, int(spec["warmup_requests"]), warm)
        await asyncio.sleep(float(spec.get("settle_seconds", 0)))
        await _mark(control, "zero", spec["name"])
        statuses: dict[str, int] = {}
        await _phase(senders, int(spec["warmup_requests"]), int(spec["requests"]), statuses)
        await asyncio.sleep(float(spec.get("trailing_seconds", 0)))
        mark = await _mark(control, "dump", spec["name"])
    finally:
        for item in reversed(stack):
            await item.close()
    ok = {str(s) for s in spec.get("ok_statuses", [200])}
    return {
        "requests": sum(statuses.values()),
        "answered": sum(n for s, n in statuses.items() if s in ok),
        "statuses": statuses,
        "warmup_statuses": warm,
        "mark": mark,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m loadtests.loadgen_counted SPEC.json OUT.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text())
    Path(args[1]).write_text(json.dumps(asyncio.run(run(spec))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
