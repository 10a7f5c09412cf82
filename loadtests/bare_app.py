"""The benchmark's ceiling: a bare Litestar app served by the same uvicorn, with the same flags, as the sandbox.

    python -m loadtests.bare_app --port 8100          # what loadtests/bench.py starts in its own process

Four routes and nothing else (no middleware, no database, no auth):

- ``GET /bare/json``: a small JSON object, about the size of a wallet read (the ceiling of every read);
- ``GET /bare/shape/{wallet_id}``: the same object from a handler shaped like the platforms' reads (a
  path parameter and two chained dependencies, as Tribble's ``caller`` on ``sandbox``): no target of
  its own, it measures what Litestar itself charges for that shape, which every r1 route pays;
- ``POST /bare/json``: decodes a msgspec struct shaped like a money write body (``TransferIn``) and
  answers a small JSON object with 201;
- ``/bare/ws``: a WebSocket that echoes every text frame (the ceiling of Cashier's WebSocket reads).

The uvicorn flags (log level, loop, HTTP parser, access log, proxy headers, WebSocket size and ping
settings, graceful shutdown timeout) are not copied here: ``uvicorn_options`` below reads them from
the one definition ``paysandbox serve`` uses (app/server_options.py), for the same PAYSANDBOX_*
environment, so the two servers differ only in the ASGI app they serve.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Request, WebSocket, get, post, websocket
from litestar.di import Provide
from litestar.exceptions import WebSocketDisconnect
from litestar.types import Scope  # at runtime: Litestar reads the dependencies' annotations

BARE_TARGET = "loadtests.bare_app:create_app"
GET_PATH = "/bare/json"
POST_PATH = "/bare/json"
WS_PATH = "/bare/ws"
SHAPE_PATH = "/bare/shape/{wallet_id:str}"
# uvicorn.run keyword arguments that name the app or its address, not how it is served.
_PER_SERVER = ("app", "factory", "host", "port")


class TransferIn(msgspec.Struct):
    """A body like the platforms' money writes (Nivo transfer, T-Wallet send): decoded and validated."""

    from_wallet_id: str
    to_wallet_id: str
    amount: str
    currency: str
    description: str = ""


class Accepted(msgspec.Struct):
    id: str
    amount: str
    currency: str
    status: str = "accepted"


_READ = {"walletId": "wallet-1", "currency": "USD", "balance": 400.29, "availableBalance": 400.29, "status": "ACTIVE"}


@get(GET_PATH)
async def read_json() -> dict[str, Any]:
    return _READ


async def _workspace(scope: Scope) -> str:
    return "default"


async def _caller(request: Request[Any, Any, Any], workspace: str) -> str:
    return workspace


@get(SHAPE_PATH, dependencies={"workspace": Provide(_workspace), "caller": Provide(_caller)})
async def read_shaped(caller: str, workspace: str, wallet_id: str) -> dict[str, Any]:
    return _READ


@post(POST_PATH, status_code=201)
async def write_json(data: TransferIn) -> Accepted:
    return Accepted(id=data.from_wallet_id, amount=data.amount, currency=data.currency)


@websocket(WS_PATH)
async def echo(socket: WebSocket[Any, Any, Any]) -> None:
    await socket.accept()
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.send_text(await socket.receive_text())


def create_app() -> Litestar:
    """The bare app (uvicorn factory). No OpenAPI schema routes either: only the four above."""
    return Litestar(route_handlers=[read_json, read_shaped, write_json, echo], openapi_config=None)


# -- the same uvicorn flags as ``paysandbox serve`` --------------------------------------------------------
@contextlib.contextmanager
def _captured_serve(env: Mapping[str, str], workdir: Path) -> Iterator[dict[str, Any]]:
    """Run ``paysandbox serve``'s own code (app.cli.cmd_serve) with ``uvicorn.run`` replaced by a recorder.

    The fallback for a checkout without app/server_options.py. The serve command also prepares a
    database and writes PAYSANDBOX_* variables: here it gets a scratch path and no example database
    (nothing is created), and the environment is restored afterwards.
    """
    import uvicorn

    from app import cli

    captured: dict[str, Any] = {}
    saved_env = dict(os.environ)
    real_run = uvicorn.run

    def record(app: Any, **kwargs: Any) -> None:
        captured.update(kwargs, app=app)

    os.environ.clear()
    os.environ.update(env)
    os.environ["PAYSANDBOX_EXAMPLE_DB"] = str(workdir / "no-example.db")
    uvicorn.run = record  # type: ignore[assignment]
    try:
        cli.main(["serve", "--db", str(workdir / "unused.db")])
        yield captured
    finally:
        uvicorn.run = real_run  # type: ignore[assignment]
        os.environ.clear()
        os.environ.update(saved_env)


def uvicorn_options(env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """The keyword arguments ``paysandbox serve`` passes to ``uvicorn.run`` under ``env`` (default: this
    process's environment), without the app and its address; and where they were read from.

    They come from the one shared definition, ``app.server_options.uvicorn_options(settings)``, which
    ``paysandbox serve`` itself calls; where that module does not exist, from running the serve command's
    code with ``uvicorn.run`` intercepted. Either way nothing is copied here.
    """
    env = dict(os.environ if env is None else env)
    try:
        from app.server_options import uvicorn_options as shared
    except ImportError:
        with tempfile.TemporaryDirectory(prefix="paysandbox-bare-") as tmp, _captured_serve(env, Path(tmp)) as kw:
            options, source = dict(kw), "app/cli.py cmd_serve (uvicorn.run intercepted)"
    else:
        from app.settings import Settings

        options, source = shared(Settings.load(env=env)), "app/server_options.py uvicorn_options, as paysandbox serve"
    return {k: v for k, v in options.items() if k not in _PER_SERVER}, source


def describe_options(options: dict[str, Any]) -> str:
    """One line naming the flags and what uvicorn's ``auto`` settings pick on this machine."""
    import importlib.util

    auto = {
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "ws": "websockets" if importlib.util.find_spec("websockets") else "wsproto",
    }
    shown = " ".join(f"{k}={v}" for k, v in sorted(options.items()))
    picked = ", ".join(f"{k}=auto->{v}" for k, v in auto.items() if k not in options)
    return shown + (f" (uvicorn defaults: {picked})" if picked else "")


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve the bare app with exactly the flags ``paysandbox serve`` would use in this environment."""
    import uvicorn

    options, _ = uvicorn_options()
    uvicorn.run(BARE_TARGET, factory=True, host=host, port=port, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--print-options", action="store_true", help="print the shared uvicorn flags and exit")
    args = parser.parse_args(argv)
    if args.print_options:
        options, source = uvicorn_options()
        print(f"{describe_options(options)}  [{source}]")
        return 0
    serve(args.port, args.host)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
