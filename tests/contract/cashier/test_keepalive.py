"""Keep-alive as documented: the server pings, and a client that never answers is dropped.

Runs `paysandbox serve` with a short ping interval (PAYSANDBOX_WS_PING_INTERVAL) and reads the raw
frames, since WebSocket client libraries answer pings without telling the caller.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port


def _read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _read_frame(sock: socket.socket) -> tuple[int, bytes]:
    head = _read_exact(sock, 2)
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(_read_exact(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(_read_exact(sock, 8), "big")
    return opcode, _read_exact(sock, length)


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "PAYSANDBOX_EXAMPLE_DB": str(tmp_path / "absent.db"),
        "PAYSANDBOX_BCRYPT_ROUNDS": "4",
        "PAYSANDBOX_WS_PING_INTERVAL": "1",
        "PAYSANDBOX_WS_PING_TIMEOUT": "1",
        "PAYSANDBOX_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--db", str(tmp_path / "k.db")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/api/health", timeout=1)
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("server did not start")
            time.sleep(0.1)
    try:
        yield port, base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def test_server_pings_and_drops_a_silent_client(server: tuple[int, str]) -> None:
    port, base = server
    body = {"email": "ka@example.com", "password": "SecurePass123", "full_name": "Keep Alive", "phone": "+919811111111"}
    assert httpx.post(f"{base}/api/v1/identity/auth/register", json=body, timeout=10).status_code == 201
    login = httpx.post(
        f"{base}/api/v1/identity/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    token = login.json()["data"]["token"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /cashier/svc/ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101")
    opcode, payload = _read_frame(sock)
    assert opcode == 0x1 and b'"connected"' in payload
    opcode, _ = _read_frame(sock)  # within the 1 s interval: the server's ping
    assert opcode == 0x9
    # We never answer with a pong: after interval + timeout the server closes the connection.
    closed = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            opcode, _ = _read_frame(sock)
        except (ConnectionError, OSError):
            closed = True
            break
        if opcode == 0x8:
            closed = True
            break
    sock.close()
    assert closed
