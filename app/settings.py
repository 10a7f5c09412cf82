"""One frozen settings object, built from CLI flags and ``PAYSANDBOX_*`` environment variables.

Precedence: explicit keyword (CLI flag) > environment variable > default.
Every field is documented in README.md (a test checks that).
"""

from __future__ import annotations

import dataclasses
import os
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# An installed wheel carries the example database as a data file: <prefix>/share/paysandbox/.
INSTALLED_EXAMPLE_DB = Path(sysconfig.get_path("data")) / "share" / "paysandbox" / "sandbox.db.example"


def default_example_db(checkout: Path = REPO_ROOT, installed: Path = INSTALLED_EXAMPLE_DB) -> Path:
    """The checkout's ``sandbox.db.example`` (editable installs, the repository), else the installed copy."""
    in_checkout = checkout / "sandbox.db.example"
    if in_checkout.exists() or not installed.exists():
        return in_checkout
    return installed


DEFAULT_EXAMPLE_DB = default_example_db()


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db: Path = Path("./sandbox.db")
    reload: bool = False
    example_db: Path = DEFAULT_EXAMPLE_DB
    # JWT signing secret; empty means "the per-sandbox secret stored in the database".
    jwt_secret: str = ""
    # In-memory rate limits of every platform; the control API can switch them too.
    rate_limits: bool = True
    # When set, /_sandbox requires "Authorization: Bearer <token>" or "X-Sandbox-Token".
    control_token: str = ""
    # bcrypt cost factor for password hashing (tests lower it).
    bcrypt_rounds: int = 10
    # Maximum postings the writer commits in one SQLite transaction.
    writer_batch: int = 512
    # Read-only connections served to readers.
    read_connections: int = 4
    # Run the background scheduler loop (due simulator work fires on the sandbox clock).
    scheduler: bool = True
    # Directory holding workspace databases (default: next to --db).
    workspaces_dir: Path | None = None
    # Maximum number of workspaces and seconds of idle before a workspace is closed.
    max_workspaces: int = 200
    workspace_idle_seconds: int = 900
    max_open_workspaces: int = 32
    log_level: str = "info"
    # uvicorn's access log (a logging call per request) and forwarded-header rewriting: both opt-in.
    access_log: bool = False
    proxy_headers: bool = False
    # WebSocket keep-alive (uvicorn): Cashier documents a ping every 54 s and a 60 s idle timeout.
    ws_ping_interval: float = 54.0
    ws_ping_timeout: float = 6.0
    # Browsers' cross-origin access (a frontend on another port): origins matching this regex get
    # CORS headers with credentials (Drop's cookie). Empty disables CORS.
    cors_origins: str = ".*"
    # ISO-8601 instant where a database with no clock of its own starts its sandbox clock (running from
    # there); empty: the machine's time. Tests pin it so they never depend on today's date.
    clock_start: str = ""
    # Freeze the startup heap out of the garbage collector's full collections (app/heap.py); on for
    # `paysandbox serve`, off for apps built inside another process (tests).
    gc_freeze: bool = False
    # Entries the request journal of each sandbox keeps in memory (oldest evicted first); 0 turns it off.
    journal_size: int = 10_000
    # A benchmark instrument: the shared library loadtests/callgrind_marks.py builds. When set, the
    # control API gets POST /_sandbox/bench/callgrind (zero or dump callgrind's counters); empty: absent.
    callgrind_marks: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``PAYSANDBOX_*`` variables, then apply non-None overrides."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(f"PAYSANDBOX_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw)
        for key, value in overrides.items():
            if value is not None:
                values[key] = _coerce(key, value) if isinstance(value, str) else value
        for key in ("db", "example_db", "workspaces_dir"):
            if key in values and values[key] is not None and not isinstance(values[key], Path):
                values[key] = Path(values[key])
        return cls(**values)

    def __post_init__(self) -> None:
        if self.clock_start:
            from app.core.clock import parse_iso

            try:
                parse_iso(self.clock_start)
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"PAYSANDBOX_CLOCK_START {self.clock_start!r} is not an ISO-8601 instant") from exc

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


_TYPES: dict[str, type] = {
    "host": str,
    "port": int,
    "db": Path,
    "reload": bool,
    "example_db": Path,
    "jwt_secret": str,
    "rate_limits": bool,
    "control_token": str,
    "bcrypt_rounds": int,
    "writer_batch": int,
    "read_connections": int,
    "scheduler": bool,
    "workspaces_dir": Path,
    "max_workspaces": int,
    "workspace_idle_seconds": int,
    "max_open_workspaces": int,
    "log_level": str,
    "access_log": bool,
    "proxy_headers": bool,
    "ws_ping_interval": float,
    "ws_ping_timeout": float,
    "cors_origins": str,
    "clock_start": str,
    "gc_freeze": bool,
    "journal_size": int,
    "callgrind_marks": str,
}


def _coerce(name: str, raw: str) -> Any:
    kind = _TYPES.get(name, str)
    if kind is bool:
        return _as_bool(raw)
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    if kind is Path:
        return Path(raw)
    return raw
