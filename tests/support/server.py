"""A real uvicorn server on a free 127.0.0.1 port, in a background thread, that stops by itself."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from app.asgi import create_app
from app.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    ws_url: str
    port: int
    app: object
    settings: Settings

    @property
    def registry(self):
        return self.app.state.registry  # type: ignore[attr-defined]

    @property
    def sandbox(self):
        return self.registry.default


@contextmanager
def live_server(settings: Settings, timeout: float = 20.0) -> Iterator[LiveServer]:
    port = free_port()
    app = create_app(settings.replace(port=port))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws_max_size=16 * 1024 * 1024,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    loop_holder: dict[str, asyncio.AbstractEventLoop] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        loop_holder["loop"] = loop
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())
        loop.close()

    thread = threading.Thread(target=run, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", port, app, settings)
    finally:
        server.should_exit = True
        thread.join(timeout)
