"""Benchmark helpers of the control API.

POST /_sandbox/bench/echo: a trivial JSON POST on the same server stack. The benchmark
(loadtests/bench.py) measures it as the framework ceiling next to the ledger-backed transfer
route, so the ratio shows how much of the framework's throughput the ledger path keeps.

POST /_sandbox/bench/callgrind (only when ``PAYSANDBOX_CALLGRIND_MARKS`` names the library
loadtests/callgrind_marks.py builds): zero callgrind's instruction counters or dump them under a
name, so ``python -m loadtests.request_cost`` counts what a fixed number of requests cost the
server run under valgrind.

GET /_sandbox/bench/writer: the writer thread's counters (batches, jobs, seconds busy and in
COMMIT) and the background checkpointer's, so a run can tell whether the writer was the bottleneck.
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any, Literal

import msgspec
from litestar import get, post

from app.registry import SandboxDep
from app.sandbox.guard import control_token_guard


class Echo(msgspec.Struct):
    value: Any = None


class WriterCounters(msgspec.Struct, omit_defaults=True):
    """``WriterStats`` of the writer thread, and the checkpointer's counters when it runs."""

    batches: int
    jobs: int
    max_batch: int
    busy_seconds: float
    commit_seconds: float
    checkpoints: int | None = None
    wal_restarts: int | None = None


@post(
    "/_sandbox/bench/echo",
    tags=["sandbox: benchmark"],
    summary="Echo a small JSON body (framework ceiling)",
    guards=[control_token_guard],
)
async def bench_echo(data: Echo) -> Echo:
    return data


@get(
    "/_sandbox/bench/writer",
    tags=["sandbox: benchmark"],
    summary="Writer thread and checkpointer counters of this sandbox",
    guards=[control_token_guard],
)
async def bench_writer(sandbox: SandboxDep) -> WriterCounters:
    writer = sandbox.db.writer
    stats = dataclasses.asdict(writer.stats)
    checkpointer = writer.checkpointer
    if checkpointer is not None:
        stats.update(checkpoints=checkpointer.checkpoints, wal_restarts=checkpointer.restarts)
    return WriterCounters(**stats)


class CallgrindMark(msgspec.Struct):
    action: Literal["zero", "dump"]
    name: str = "mark"


class CallgrindMarked(msgspec.Struct):
    action: str
    name: str
    on_valgrind: bool


def callgrind_route(library: str) -> Any:
    """The route over ``library`` (Settings.callgrind_marks; app/asgi.py adds it only when that is set)."""
    marks = ctypes.CDLL(library)

    @post(
        "/_sandbox/bench/callgrind",
        tags=["sandbox: benchmark"],
        summary="Zero or dump callgrind's instruction counters (loadtests/request_cost.py)",
        guards=[control_token_guard],
        status_code=200,
    )
    async def bench_callgrind(data: CallgrindMark) -> CallgrindMarked:
        if data.action == "zero":
            marks.paysandbox_zero()
        else:
            marks.paysandbox_dump(data.name.encode("ascii", "replace"))
        return CallgrindMarked(data.action, data.name, bool(marks.paysandbox_on_valgrind()))

    return bench_callgrind


ROUTES: list[Any] = [bench_echo, bench_writer]
