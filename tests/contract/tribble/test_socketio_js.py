"""Socket.IO with the real JavaScript client (socket.io-client 4.8.1, tests/js) against a server process.

The contract's own snippet connects with ``io('wss://HOST/socket.io', {auth: {token}})``:
socket.io-client reads the path ``/socket.io`` as a namespace, so the server must serve that
namespace exactly like the default one; the base-URL form ``io('http://HOST')`` keeps working. A
refused connection must give the client a plain ``err.message`` and ``err.data`` =
``{errorCode, message}``. Skipped only when node or tests/js/node_modules is missing (CI
installs both: `.ci/run` runs ``npm ci`` in tests/js).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.settings import REPO_ROOT
from tests.conftest import TEST_NOW
from tests.contract.tribble.conftest import PASSWORD
from tests.reliability.process import ServerProcess

JS_DIR = REPO_ROOT / "tests" / "js"
SCRIPT = JS_DIR / "socketio_client.mjs"
NODE = shutil.which("node")
LINE_GUARD = 60.0  # only a guard against a hung client; the script answers or fails on its own

pytestmark = pytest.mark.skipif(
    NODE is None or not (JS_DIR / "node_modules" / "socket.io-client").is_dir(),
    reason="node or tests/js/node_modules (npm ci in tests/js) is missing",
)


class AnchoredServer(ServerProcess):
    """``paysandbox serve`` with its sandbox clock anchored at the suite's fixed instant."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "PAYSANDBOX_CLOCK_START": TEST_NOW}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnchoredServer]:
    with AnchoredServer(tmp_path_factory.mktemp("socketio-js") / "sandbox.db") as running:
        yield running


async def _login(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    body = {"email": email, "password": PASSWORD, "firstName": "Java", "lastName": "Script"}
    assert (await http.post("/api/v1/auth/register", json=body)).status_code == 201
    r = await http.post("/api/v1/auth/login", json={"email": body["email"], "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def _fund_wallet(http: httpx.AsyncClient, token: str) -> str:
    """A card funding of the NGN wallet; it completes (transaction:completed) once the clock moves."""
    headers = {"Authorization": f"Bearer {token}"}
    card = await http.post(
        "/api/v1/payment-methods",
        json={
            "type": "card",
            "cardNumber": "4242424242424242",
            "cardholderName": "Java Script",
            "expiryMonth": 12,
            "expiryYear": 2035,
            "cvv": "123",
        },
        headers=headers,
    )
    assert card.status_code == 201, card.text
    wallets = (await http.get("/api/v1/wallets", params={"currency": "NGN"}, headers=headers)).json()
    r = await http.post(
        "/api/v1/wallets/fund",
        json={
            "walletId": wallets["wallets"][0]["walletId"],
            "amount": 250,
            "paymentMethodId": card.json()["paymentMethodId"],
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    assert (await http.post("/_sandbox/clock/advance", json={"seconds": 3600})).status_code == 200
    return str(r.json()["transactionId"])


async def _next(proc: asyncio.subprocess.Process) -> dict[str, Any]:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), LINE_GUARD)
    assert line, "the node client exited early"
    message: dict[str, Any] = json.loads(line)
    assert message["type"] != "error", message
    return message


async def _client(options: dict[str, Any]) -> asyncio.subprocess.Process:
    assert NODE is not None
    return await asyncio.create_subprocess_exec(
        NODE,
        str(SCRIPT),
        json.dumps(options),
        cwd=JS_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _finish(proc: asyncio.subprocess.Process) -> None:
    assert (await _next(proc))["type"] == "done"
    assert await asyncio.wait_for(proc.wait(), LINE_GUARD) == 0


async def _reap(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


async def test_documented_and_base_url_forms_receive_events(server: AnchoredServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        login = await _login(http, "js-events@example.com")
        user_id = login["user"]["userId"]
        urls = [f"{server.base_url}/socket.io", server.base_url]  # the contract's form, the base URL
        proc = await _client({"urls": urls, "token": login["accessToken"], "userId": user_id, "events": 1})
        try:
            for url in urls:
                subscribed = await _next(proc)
                assert subscribed["type"] == "subscribed" and subscribed["url"] == url, subscribed
                assert sorted(subscribed["ack"]["subscribed"]) == sorted([f"user:{user_id}", "transaction:all"])
                assert subscribed["ack"]["rejected"] == []
            assert (await _next(proc))["type"] == "ready"

            transaction_id = await _fund_wallet(http, login["accessToken"])
            events = [await _next(proc) for _ in urls]
            assert sorted(e["url"] for e in events) == sorted(urls)  # each form got the event once
            for event in events:
                assert event["type"] == "event" and event["name"] == "transaction:completed", event
                assert event["payload"]["event"] == "transaction:completed"
                assert event["payload"]["data"]["transactionId"] == transaction_id
                assert event["payload"]["data"]["status"] == "SUCCESS"
                assert event["payload"]["data"]["amount"] == 250.0
            await _finish(proc)
        finally:
            await _reap(proc)


async def test_a_refused_connection_gives_a_message_and_an_error_object(server: AnchoredServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        login = await _login(http, "js-refused@example.com")
        headers = {"Authorization": f"Bearer {login['accessToken']}"}
        assert (await http.post("/api/v1/auth/logout", json={}, headers=headers)).status_code == 200
    urls = [f"{server.base_url}/socket.io", server.base_url]
    auths = {
        "missing": {},
        "malformed": {"token": "Bearer not-a-jwt"},
        "scheme only": {"token": "Bearer "},
        "revoked": {"token": f"Bearer {login['accessToken']}"},
    }
    proc = await _client({"refuseUrls": urls, "refuse": auths})
    try:
        assert (await _next(proc))["type"] == "ready"  # no subscriptions asked for
        refusals = [await _next(proc) for _ in range(len(urls) * len(auths))]
        assert [(r["url"], r["label"]) for r in refusals] == [(u, k) for u in urls for k in auths]
        for refusal in refusals:
            assert refusal["type"] == "refused", refusal
            assert refusal["messageType"] == "string" and refusal["message"], refusal
            assert not refusal["message"].startswith("{"), refusal  # a sentence, not a Python repr
            assert refusal["data"] == {"errorCode": "UNAUTHORIZED", "message": refusal["message"]}, refusal
        by_label = {r["label"]: r["message"] for r in refusals}
        assert by_label["revoked"] == "Authentication token has been revoked"  # Tribble's REST wording
        await _finish(proc)
    finally:
        await _reap(proc)
