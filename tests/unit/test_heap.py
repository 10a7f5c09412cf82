"""The server freezes its startup heap out of the collector's full collections (app/heap.py)."""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from app.asgi import create_app
from app.settings import Settings


async def test_a_server_app_freezes_its_startup_heap(settings: Settings) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        async with AsyncTestClient(app=create_app(settings.replace(gc_freeze=True))) as client:
            assert gc.get_freeze_count() > 10_000  # Litestar's routes, msgspec types, the sandbox ...
            assert (await client.get("/api/health")).status_code == 200
    finally:
        gc.unfreeze()  # give this test process its collector back


async def test_apps_built_inside_another_process_leave_the_collector_alone(settings: Settings) -> None:
    gc.unfreeze()
    assert Settings().gc_freeze is False and Settings.load(env={}).gc_freeze is False
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/api/health")).status_code == 200
        assert gc.get_freeze_count() == 0


def test_paysandbox_serve_turns_it_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from app import cli

    seen: dict[str, str | None] = {}
    monkeypatch.delenv("PAYSANDBOX_GC_FREEZE", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.update(freeze=os.environ.get("PAYSANDBOX_GC_FREEZE")))
    args = argparse.Namespace(
        host="127.0.0.1",
        port=0,
        db=str(tmp_path / "s.db"),
        access_log=False,
        proxy_headers=False,
        workspaces_dir=None,
        reload=False,
    )
    assert cli.cmd_serve(args) == 0
    assert seen == {"freeze": "true"}
    assert Settings.load(env={"PAYSANDBOX_GC_FREEZE": "true"}).gc_freeze is True
