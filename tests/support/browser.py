"""Headless Chromium for the browser tests, driven three ways.

- ``dump_dom``: Chromium's CLI renders a page (``--dump-dom`` after ``--virtual-time-budget``), so
  the page's own JavaScript has run.
- ``browser_page``: one tab over the DevTools protocol (JSON over a WebSocket) to click, submit,
  measure the DOM, set the viewport and take screenshots.
- ``run_playwright``: a node script of ``tests/js`` on playwright-core (request interception, e.g.
  the network switched off).

Tests skip only when Chromium (``requires_chromium``) or, for the node scripts, node and
``tests/js/node_modules`` (``requires_playwright``; ``.ci/run`` runs ``npm ci``) are missing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
requires_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium; .ci/run does it)"
)

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")
requires_playwright = pytest.mark.skipif(
    CHROMIUM is None or NODE is None or not (JS_DIR / "node_modules" / "playwright-core").is_dir(),
    reason="needs chromium, node and tests/js/node_modules (cd tests/js && npm ci; .ci/run does it)",
)


def headless_flags(profile: Path) -> list[str]:
    """The flags both ways of driving Chromium start it with (a throwaway profile in ``profile``)."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]


async def dump_dom(url: str, profile: Path) -> str:
    assert CHROMIUM is not None
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *headless_flags(profile),
        "--virtual-time-budget=3000",
        "--dump-dom",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    dom = out.decode("utf-8", errors="replace")
    assert "</html>" in dom, dom[-500:]
    return dom


class Page:
    """One Chromium tab over the DevTools protocol (JSON over a WebSocket)."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.last_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        message_id = self.last_id
        await self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=30))
            if reply.get("id") == message_id:
                assert "error" not in reply, reply["error"]
                result: dict[str, Any] = reply["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"].get("text")))
        return result["result"].get("value")

    async def wait_for(self, expression: str, attempts: int = 300) -> Any:
        """Poll a JavaScript expression until it is truthy (the page may be reloading meanwhile)."""
        for _ in range(attempts):
            with contextlib.suppress(RuntimeError, AssertionError):
                value = await self.evaluate(expression)
                if value:
                    return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"never true in the page: {expression}")

    async def set_viewport(self, width: int, height: int) -> None:
        """Lay the page out as in a ``width`` x ``height`` CSS-pixel window (scale 1, desktop)."""
        await self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )

    async def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """A PNG of the viewport (or of the whole page) at ``path``."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = await self.call("Page.getLayoutMetrics")
            size = metrics["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        shot = await self.call("Page.captureScreenshot", **params)
        await asyncio.to_thread(_write_png, path, base64.b64decode(shot["data"]))
        return path


def _write_png(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def until(check: Callable[[], Awaitable[bool]], what: str, attempts: int = 300) -> None:
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


@contextlib.asynccontextmanager
async def browser_page(profile: Path) -> AsyncIterator[Page]:
    import websockets

    assert CHROMIUM is not None
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *headless_flags(profile),
        f"--remote-debugging-port={port}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        targets: list[dict[str, Any]] = []
        async with httpx.AsyncClient(timeout=5) as http:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    targets = [t for t in (await http.get(f"http://127.0.0.1:{port}/json/list")).json()]
                    if any(t["type"] == "page" for t in targets):
                        break
                await asyncio.sleep(0.1)
        page_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        async with websockets.connect(page_url, max_size=None) as socket:
            yield Page(socket)
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()


async def run_playwright(script: str, job: dict[str, Any], limit_seconds: float = 180) -> dict[str, Any]:
    """Run ``tests/js/<script>`` with ``job`` (JSON) as its argument; its last stdout line is JSON."""
    assert NODE is not None and CHROMIUM is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(JS_DIR / script),
        json.dumps({"chromium": CHROMIUM, **job}),
        cwd=str(JS_DIR),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=limit_seconds)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    lines = out.decode().strip().splitlines()
    assert lines, err.decode(errors="replace")[-3000:]
    result: dict[str, Any] = json.loads(lines[-1])
    return result
