"""The Cashier WebSocket Locust user: deposits (waiting for the partner's push) and transfers.

websocket-client is a blocking client; under Locust, gevent has patched the socket module, so it
yields like every other request. One reader greenlet per user sorts what arrives: replies (matched
by the request ``id`` the contract lets a client send) and the ``deposit_completed`` /
``deposit_failed`` pushes (matched by ``transaction_ref``). Each round trip, and each deposit from
request to push, is recorded as a Locust request of type ``WS``.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from typing import Any

import gevent
import websocket
from gevent.event import AsyncResult
from locust import User, between, tag, task
from locust.exception import StopUser

from loadtests import pools
from loadtests.flows import SetupFailed, nivo_register

REPLY_TIMEOUT = 30.0
# The partner simulator confirms a deposit after about 2 s on the sandbox clock (docs/control-api.md).
PUSH_TIMEOUT = 60.0


class CashierError(RuntimeError):
    """A Cashier ``error`` reply, or no answer in time."""


# What a task swallows after ``timed`` has recorded it as a failed request.
RECORDED = (CashierError, OSError, websocket.WebSocketException)


class CashierSocket:
    """One open Cashier WebSocket with request/reply matching and deposit push waiting."""

    def __init__(self, url: str, token: str) -> None:
        self.ws = websocket.create_connection(url, header=[f"Authorization: Bearer {token}"], timeout=REPLY_TIMEOUT)
        hello = json.loads(self.ws.recv())
        if hello.get("type") != "connected":
            raise SetupFailed(f"Cashier did not accept the socket: {hello}")
        self.user_id = str(hello["data"]["user_id"])
        self._ids = itertools.count(1)
        self._replies: dict[str, AsyncResult] = {}
        self._deposits: dict[str, AsyncResult] = {}
        self._early: dict[str, dict[str, Any]] = {}  # a push that beat its request's reply
        self._reader = gevent.spawn(self._read)

    def _read(self) -> None:
        try:
            while True:
                message = json.loads(self.ws.recv())
                kind = message.get("type")
                if "id" in message and str(message["id"]) in self._replies:
                    self._replies.pop(str(message["id"])).set(message)
                elif kind in ("deposit_completed", "deposit_failed"):
                    ref = str(message["data"].get("transaction_ref"))
                    waiter = self._deposits.pop(ref, None)
                    if waiter is None:
                        self._early[ref] = message
                    else:
                        waiter.set(message)
        except Exception as exc:  # closed socket: every waiter learns it
            for waiter in [*self._replies.values(), *self._deposits.values()]:
                waiter.set_exception(CashierError(f"socket closed: {exc!r}"))

    def request(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the ``data.data`` of its success reply (CashierError otherwise)."""
        request_id = f"r{next(self._ids)}"
        waiter: AsyncResult = AsyncResult()
        self._replies[request_id] = waiter
        self.ws.send(json.dumps({"type": kind, "data": data, "id": request_id}))
        try:
            reply = waiter.get(timeout=REPLY_TIMEOUT)
        except gevent.Timeout:
            self._replies.pop(request_id, None)
            raise CashierError(f"no reply to {kind} in {REPLY_TIMEOUT:.0f} s") from None
        if reply.get("type") != "success":
            raise CashierError(str(reply.get("data", {}).get("message", reply)))
        payload = reply["data"].get("data")
        return payload if isinstance(payload, dict) else {}

    def wait_deposit(self, ref: str) -> dict[str, Any]:
        if ref in self._early:
            return self._early.pop(ref)
        waiter: AsyncResult = AsyncResult()
        self._deposits[ref] = waiter
        try:
            return waiter.get(timeout=PUSH_TIMEOUT)  # type: ignore[no-any-return]
        except gevent.Timeout:
            self._deposits.pop(ref, None)
            raise CashierError(f"no deposit push for {ref} in {PUSH_TIMEOUT:.0f} s") from None

    def close(self) -> None:
        self._reader.kill(block=False)
        try:
            self.ws.close()
        except Exception:
            pass


class CashierWebSocketUser(User):
    """Cashier over its WebSocket: USD deposits through M-Pesa (waiting for the push) and transfers."""

    weight = 2
    wait_time = between(0.05, 0.5)

    def on_start(self) -> None:
        # Setup HTTP calls (sign-up and login) go through a plain HTTP session of Locust.
        from locust.clients import HttpSession

        http = HttpSession(self.host, self.environment.events.request, user=self)
        try:
            pools.DEMO.get(http)
            _, token = nivo_register(http, "cashier")
            base = self.host.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
            self.socket = self.timed("connect", lambda: CashierSocket(f"{base}/cashier/svc/ws", token))
            pools.CASHIER_USERS.add(self.socket.user_id)
            self.deposit(100.0, name="setup: deposit")
        except (SetupFailed, *RECORDED) as exc:
            self.environment.events.user_error.fire(user_instance=self, exception=exc, tb=None)
            raise StopUser() from exc
        finally:
            http.close()

    def on_stop(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()

    def timed(self, name: str, call: Any) -> Any:
        """Run ``call`` and record it as one WS request named ``name`` (failure on any exception)."""
        start = time.perf_counter()
        exception: BaseException | None = None
        result = None
        try:
            result = call()
        except Exception as exc:
            exception = exc
        self.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=0,
            exception=exception,
            context={},
        )
        if exception is not None:
            raise exception
        return result

    def deposit(self, amount: float, name: str = "deposit -> deposit_completed") -> None:
        def run() -> None:
            created = self.socket.request("deposit_request", {"amount": amount, "currency": "USD", "service": "mpesa"})
            push = self.socket.wait_deposit(str(created["request_ref"]))
            if push["type"] != "deposit_completed":
                raise CashierError(f"deposit failed: {push['data']}")

        self.timed(name, run)

    @tag("ledger", "cashier")
    @task(3)
    def transfer(self) -> None:
        target = pools.CASHIER_USERS.pick(exclude=self.socket.user_id)
        if target is None:
            return
        data = {"to_user_id": target, "amount": float(random.randint(1, 5)), "currency": "USD", "description": "load"}
        try:
            self.timed("transfer", lambda: self.socket.request("transfer", data))
        except RECORDED:
            pass  # recorded as a failure already

    @tag("ledger", "cashier")
    @task(1)
    def deposit_task(self) -> None:
        try:
            self.deposit(float(random.randint(10, 50)))
        except RECORDED:
            pass

    @tag("read", "cashier")
    @task(1)
    def balance(self) -> None:
        try:
            self.timed("get_accounts", lambda: self.socket.request("get_accounts", {}))
        except RECORDED:
            pass
