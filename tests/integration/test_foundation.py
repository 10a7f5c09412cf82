"""Foundation: migrations, health, the CLI serving a real server."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from app.db.migrations import apply_migrations, available_migrations
from app.settings import Settings
from tests.support.server import free_port


def test_migrations_apply_on_empty_file_and_are_idempotent(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    first = apply_migrations(conn)
    assert first == [v for v, _, _ in available_migrations()]
    assert apply_migrations(conn) == []
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == first


def test_migrating_forward_keeps_data(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    apply_migrations(conn)
    conn.execute("INSERT INTO sandbox_state (key, value) VALUES ('keep', 'me')")
    newest = max(v for v, _, _ in available_migrations())
    conn.execute("DELETE FROM schema_version WHERE version = ?", (newest,))
    # Re-applying the newest migration must not touch earlier data (migrations are additive).
    apply_migrations(conn)
    assert conn.execute("SELECT value FROM sandbox_state WHERE key='keep'").fetchone()[0] == "me"


async def test_health_reports_db(client: AsyncTestClient) -> None:
    resp = await client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"status", "version", "uptime", "db", "dbLatencyMs", "timestamp"}
    assert body["status"] == "ok" and body["db"] == "connected"
    assert resp.headers["x-request-id"].startswith("req_")


async def test_request_id_is_echoed(client: AsyncTestClient) -> None:
    resp = await client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["x-request-id"] == "abc-123"


async def test_openapi_schema_served(client: AsyncTestClient) -> None:
    resp = await client.get("/schema/openapi.json")
    assert resp.status_code == 200
    assert "/api/health" in resp.json()["paths"]


def test_settings_env_and_flags(tmp_path: Path) -> None:
    env = {"PAYSANDBOX_PORT": "9001", "PAYSANDBOX_RATE_LIMITS": "false", "PAYSANDBOX_DB": str(tmp_path / "x.db")}
    s = Settings.load(env=env)
    assert s.port == 9001 and s.rate_limits is False and s.db == tmp_path / "x.db"
    assert Settings.load(env=env, port=9002).port == 9002


def test_cli_serve_starts_a_real_server(tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "served.db"
    env = {**os.environ, "PAYSANDBOX_EXAMPLE_DB": str(tmp_path / "absent.db"), "PAYSANDBOX_BCRYPT_ROUNDS": "4"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--db", str(db)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"server did not start: {out}")
                time.sleep(0.1)
        assert resp.status_code == 200 and resp.json()["db"] == "connected"
        assert db.exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_cli_help_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-m", "app.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "check", "seed", "reset", "loadtest"):
        assert command in out.stdout


async def test_request_id_on_unknown_paths(client: AsyncTestClient) -> None:
    resp = await client.get("/definitely/not/here", headers={"X-Request-ID": "r-404"})
    assert resp.status_code == 404 and resp.headers["x-request-id"] == "r-404"


def test_serve_with_no_flags_in_an_empty_folder_serves_seeded_data(tmp_path: Path) -> None:
    """The README's promise: `paysandbox serve` in an empty folder starts with the demo accounts."""
    from app.settings import DEFAULT_EXAMPLE_DB

    if not DEFAULT_EXAMPLE_DB.exists():
        pytest.fail("sandbox.db.example is missing from the repository")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSANDBOX_")}
    env["PAYSANDBOX_PORT"] = str(port)  # the only deviation from "no flags": a free port for the test
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"server did not start: {out}")
                time.sleep(0.1)
        assert (tmp_path / "sandbox.db").exists()
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            json={"email": "alice@paysandbox.test", "password": "Sandbox123!"},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        assert login.json()["user"]["email"] == "alice@paysandbox.test"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


async def test_cors_lets_a_frontend_on_another_origin_call_with_cookies(client: AsyncTestClient) -> None:
    origin = "http://localhost:3000"
    preflight = await client.options(
        "/api/auth/login",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == origin
    assert preflight.headers["access-control-allow-credentials"] == "true"
    simple = await client.get("/api/health", headers={"Origin": origin})
    assert simple.headers["access-control-allow-origin"] == origin
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
