"""The request path's structural costs, checked without timing anything.

Litestar resolves a handler's independent dependencies concurrently, in an anyio task group per
batch: a task per dependency, which cost ~12% of a wallet read's samples in a py-spy profile
(docs/load.md). Every dependency of ours is a lookup that never waits on I/O, so each handler's
dependencies must form a chain (one per batch).
"""

from __future__ import annotations

from pathlib import Path

from litestar.routes import HTTPRoute

from app.asgi import create_app
from app.settings import Settings


def test_no_handler_resolves_dependencies_in_a_task_group(tmp_path: Path) -> None:
    app = create_app(Settings.load(db=tmp_path / "s.db"))
    concurrent: list[str] = []
    handlers = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (_handler, kwargs_model) in route.route_handler_map.items():
            handlers += 1
            for batch in kwargs_model.dependency_batches:
                if len(batch) > 1:
                    concurrent.append(f"{method} {route.path}: {sorted(d.key for d in batch)}")
    assert handlers > 100
    assert not concurrent, "\n".join(concurrent)
