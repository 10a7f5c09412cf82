"""Locust scenarios of the sandbox: the ledger path of every platform, plus reads.

    locust -f loadtests/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000 --csv out/run
    locust -f loadtests/locustfile.py --headless ... --tags ledger     # only the money paths
    paysandbox loadtest --users 50 --spawn-rate 10 --duration 60s      # scratch server + invariant check

Users (weights in brackets): NivoTransferUser [3] Nivo INR transfers, TWalletSendUser [2] T-Wallet
send-to-profile, CashierWebSocketUser [2] Cashier transfers and deposits over the WebSocket
(waiting for the deposit_completed push), TribblePaymentUser [2] Tribble wallet payments to a
merchant, DropQrPaymentUser [2] Drop QR payments, ReadHeavyUser [3] balances, statements and
histories on every platform. Money tasks are tagged ``ledger`` and the platform's name, reads
``read``. Every user signs up or logs in once (``on_start``); seeded demo accounts are used where
the database has them (docs/seeds.md) and fresh users are registered otherwise.

At the start of a run the rate limits of every platform are lifted through the control API
(``PUT /_sandbox/settings {"rate_limits": false}``); set ``LOADTEST_KEEP_RATE_LIMITS=1`` to keep
them, and ``PAYSANDBOX_CONTROL_TOKEN`` when the server requires a control token.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import requests
from locust import events
from locust.runners import WorkerRunner

from loadtests.flows import control_headers
from loadtests.users_cashier import CashierWebSocketUser
from loadtests.users_http import (
    DropQrPaymentUser,
    NivoTransferUser,
    ReadHeavyUser,
    TribblePaymentUser,
    TWalletSendUser,
)

__all__ = [
    "CashierWebSocketUser",
    "DropQrPaymentUser",
    "NivoTransferUser",
    "ReadHeavyUser",
    "TWalletSendUser",
    "TribblePaymentUser",
]


@events.init.add_listener
def drop_users_without_selected_tasks(environment: Any, **_: Any) -> None:
    """With ``--tags`` / ``--exclude-tags``, leave out the user classes none of whose tasks remain
    (Locust would start them and they would fail with "No tasks defined")."""
    options = environment.parsed_options
    tags = set(getattr(options, "tags", None) or ())
    excluded = set(getattr(options, "exclude_tags", None) or ())
    if not tags and not excluded:
        return

    def selected(task: Any) -> bool:
        task_tags = set(getattr(task, "locust_tag_set", ()))
        return (not tags or bool(task_tags & tags)) and not task_tags & excluded

    kept = [user for user in environment.user_classes if any(selected(t) for t in user.tasks)]
    if kept:
        environment.user_classes[:] = kept


@events.test_start.add_listener
def lift_rate_limits(environment: Any, **_: Any) -> None:
    """Once per run (on the master or the single local process, not on every worker)."""
    if isinstance(environment.runner, WorkerRunner) or os.environ.get("LOADTEST_KEEP_RATE_LIMITS") == "1":
        return
    if not environment.host:
        return
    url = f"{environment.host}/_sandbox/settings"
    try:
        resp = requests.put(url, json={"rate_limits": False}, headers=control_headers(), timeout=30)
    except requests.RequestException as exc:  # the users' own requests will report the server as down
        logging.error("could not lift the rate limits: %s", exc)
        return
    if resp.status_code != 200:
        logging.error("could not lift the rate limits (%s): %s", resp.status_code, resp.text[:200])
