"""A real ``python -m app.cli serve`` subprocess on a free port, for crash and shutdown tests.

The process runs on a SQLite file the test owns; ``kill()`` sends SIGKILL (no cleanup at all),
``terminate()`` SIGTERM (uvicorn's graceful shutdown). The process is always reaped, so a failing
test leaves no server behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.settings import REPO_ROOT
from tests.support.server import free_port


class ServerProcess:
    def __init__(
        self,
        db: Path,
        *,
        rate_limits: bool = False,
        log_path: Path | None = None,
        log_level: str = "info",
        access_log: bool = False,
    ) -> None:
        self.log_level = log_level
        self.access_log = access_log
        self.db = db
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = log_path or db.with_suffix(f".{self.port}.log")
        self.rate_limits = rate_limits
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSANDBOX_")}
        env.update(
            PAYSANDBOX_RATE_LIMITS="true" if self.rate_limits else "false",
            PAYSANDBOX_BCRYPT_ROUNDS="4",
            PAYSANDBOX_EXAMPLE_DB=str(self.db.parent / "no-example.db"),
            PAYSANDBOX_WORKSPACES_DIR=str(self.db.parent / "workspaces"),
            PAYSANDBOX_LOG_LEVEL=self.log_level,
            PAYSANDBOX_ACCESS_LOG="true" if self.access_log else "false",
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self, timeout: float = 30.0) -> ServerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port), "--db", str(self.db)],
            cwd=REPO_ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(f"{self.base_url}/api/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start: {self.log()[-2000:]}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> int:
        """SIGKILL: the process gets no chance to flush, commit or close anything."""
        return self._signal(signal.SIGKILL)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM: uvicorn stops accepting, finishes in-flight requests and runs the lifespan shutdown."""
        return self._signal(signal.SIGTERM, timeout)

    def _signal(self, sig: signal.Signals, timeout: float = 30.0) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


def paysandbox_check(db: Path) -> subprocess.CompletedProcess[str]:
    """``paysandbox check --db FILE`` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--db", str(db)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
