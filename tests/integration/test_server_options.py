"""`paysandbox serve` runs uvicorn with uvloop, httptools, no access log and no proxy-header layer by
default; the flags turn the last two on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from app.cli import main
from app.server_options import uvicorn_options
from app.settings import Settings


def test_defaults_keep_the_request_path_short() -> None:
    options = uvicorn_options(Settings.load(env={}))
    assert options["loop"] == "uvloop" and options["http"] == "httptools"
    assert options["access_log"] is False and options["proxy_headers"] is False
    assert uvicorn_options(Settings.load(env={"PAYSANDBOX_ACCESS_LOG": "true"}))["access_log"] is True


@pytest.mark.parametrize(
    ("flags", "access", "proxy"), [([], False, False), (["--access-log", "--proxy-headers"], True, True)]
)
def test_serve_passes_the_flags_to_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], access: bool, proxy: bool
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs, app=app))
    # cmd_serve writes some of these for the factory; monkeypatch puts every one back afterwards.
    for name in (
        "PAYSANDBOX_ACCESS_LOG",
        "PAYSANDBOX_PROXY_HEADERS",
        "PAYSANDBOX_DB",
        "PAYSANDBOX_HOST",
        "PAYSANDBOX_PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--db", str(tmp_path / "s.db"), "--port", "8123", *flags]) == 0
    assert seen["app"] == "app.asgi:create_app_from_env" and seen["port"] == 8123
    assert seen["access_log"] is access and seen["proxy_headers"] is proxy and seen["loop"] == "uvloop"
