"""POST /_sandbox/bench/echo: a trivial JSON POST on the same server stack.

The benchmark (loadtests/bench.py) measures it as the framework ceiling next to the ledger-backed
transfer route, so the ratio shows how much of the framework's throughput the ledger path keeps.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post

from app.sandbox.guard import control_token_guard


class Echo(msgspec.Struct):
    value: Any = None


@post(
    "/_sandbox/bench/echo",
    tags=["sandbox: benchmark"],
    summary="Echo a small JSON body (framework ceiling)",
    guards=[control_token_guard],
)
async def bench_echo(data: Echo) -> Echo:
    return data


ROUTES: list[Any] = [bench_echo]
