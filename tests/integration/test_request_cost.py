"""The instruments of ``python -m loadtests.request_cost`` (the callgrind count of a request's cost).

The run itself takes minutes under valgrind and is a benchmark, not a test; these prove its parts:
the marks route exists only when configured and answers in the control API's envelope, the counted
generator sends exactly the requests it says (the request journal counts them on the server), and
the dump reader finds each named dump's instructions.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.settings import REPO_ROOT, Settings
from loadtests import callgrind_marks
from tests.support.server import live_server

needs_toolchain = pytest.mark.skipif(callgrind_marks.missing() is not None, reason=str(callgrind_marks.missing()))


def test_totals_reads_each_named_dump(tmp_path: Path) -> None:
    out = tmp_path / "cg.out"
    for n, (name, total) in enumerate((("r1_nivo", 1234), ("r2_drop", 99)), start=1):
        dump = f"version: 1\ndesc: Trigger: Client Request: {name}\nevents: Ir\nsummary: {total}\n"
        Path(f"{out}.{n}").write_text(dump)
    Path(f"{out}.3").write_text("version: 1\ndesc: Trigger: Program termination\nsummary: 5\n")
    assert callgrind_marks.totals(out) == {"r1_nivo": 1234, "r2_drop": 99}


async def test_the_marks_route_is_absent_unless_configured(settings: Settings) -> None:
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.post("/_sandbox/bench/callgrind", json={"action": "zero"})
    assert response.status_code == 404


@needs_toolchain
async def test_the_marks_route_zeroes_and_dumps(settings: Settings, tmp_path: Path) -> None:
    library = callgrind_marks.build(tmp_path)
    async with AsyncTestClient(app=create_app(settings.replace(callgrind_marks=str(library)))) as client:
        zero = await client.post("/_sandbox/bench/callgrind", json={"action": "zero"})
        dump = await client.post("/_sandbox/bench/callgrind", json={"action": "dump", "name": "r1"})
        bad = await client.post("/_sandbox/bench/callgrind", json={"action": "explode"})
    assert zero.status_code == 200 and zero.json() == {"action": "zero", "name": "mark", "on_valgrind": False}
    assert dump.json() == {"action": "dump", "name": "r1", "on_valgrind": False}  # not under valgrind: no-ops
    assert bad.status_code == 400 and set(bad.json()) == {"error", "message", "details"}


@needs_toolchain
def test_the_counted_generator_sends_exactly_its_requests(settings: Settings, tmp_path: Path) -> None:
    library = callgrind_marks.build(tmp_path)
    with live_server(settings.replace(callgrind_marks=str(library))) as server:
        spec = {
            "kind": "http",
            "base": server.base_url,
            "control": server.base_url,
            "templates": [{"method": "GET", "path": "/api/health", "headers": {}, "body": None}],
            "connections": 3,
            "warmup_requests": 2,
            "requests": 5,
            "ok_statuses": [200],
            "tag": "t",
            "name": "health",
        }
        spec_path, out_path = tmp_path / "spec.json", tmp_path / "out.json"
        spec_path.write_text(json.dumps(spec))
        subprocess.run(
            [sys.executable, "-m", "loadtests.loadgen_counted", str(spec_path), str(out_path)],
            cwd=REPO_ROOT,
            check=True,
            timeout=120,
        )
        result = json.loads(out_path.read_text())
        journal = httpx.get(f"{server.base_url}/_sandbox/requests", params={"path": "/api/health", "limit": 100})
    assert result["requests"] == result["answered"] == 15
    assert result["warmup_statuses"] == {"200": 6}
    assert result["mark"] == {"action": "dump", "name": "health", "on_valgrind": False}
    assert len(journal.json()["requests"]) == 21  # what the server saw: 3 x (2 + 5), no more


def test_request_cost_without_the_toolchain_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from loadtests import request_cost

    monkeypatch.setattr(callgrind_marks, "missing", lambda: "valgrind is not on PATH")
    assert asyncio.run(asyncio.to_thread(request_cost.main, [])) == 2


def test_several_runs_report_the_median_and_the_spread() -> None:
    from loadtests import request_cost

    cost = request_cost.Cost("r2_drop", "Drop QR payment", write=True)
    for size, count in ((0, 1000), (100, 1100), (0, 1040), (100, 1030), (0, 980), (100, 1050)):
        cost.add_run(size, count)
    assert cost.instructions == {0: 1000, 100: 1050}  # the medians
    assert cost.spread(0) == pytest.approx(0.06) and cost.spread(100) == pytest.approx(70 / 1050)
    assert request_cost.Cost("r1_nivo", "x", instructions={0: 5}).spread(0) is None  # one run: no spread
    table = request_cost.render({"r2_drop": cost}, [0, 100], {})
    assert "1.050" in table and "±3.0% ±3.3%" in table and "the median of 3 runs" in table
