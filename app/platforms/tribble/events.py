"""Tribble's Socket.IO events, published on the sandbox event bus (platform "tribble").

Payloads are the documented ``data`` objects; the Socket.IO layer wraps them as
``{"event", "data"}``. The audience is the customer plus the merchant's owner.
"""

from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.core.events import Event
from app.platforms.tribble.render import amount
from app.platforms.tribble.store.events import transaction_by_id
from app.platforms.tribble.store.merchants import merchant_owner
from app.runtime import Sandbox

PLATFORM = "tribble"


async def _merchant_owner(sandbox: Sandbox, merchant_id: str | None) -> int | None:
    if not merchant_id:
        return None
    row = await merchant_owner(sandbox.db, merchant_id)
    return int(row["owner_user_id"]) if row else None


async def publish(sandbox: Sandbox, type: str, data: dict[str, Any], user_id: int, also: tuple[int, ...] = ()) -> None:
    await sandbox.events.publish(Event(type=type, data=data, user_id=user_id, platform=PLATFORM, also_users=also))


def completed_event(row: Any, merchant_owner: int | None, now: float) -> Event:
    """``transaction:completed`` for a transaction row (a mapping of its columns)."""
    data = {
        "transactionId": row["id"],
        "amount": amount(int(row["amount"]), row["currency"]),
        "status": row["status"],
        "merchantId": row["merchant_id"],
        "timestamp": iso(row["completed_at"] or now),
    }
    also = (merchant_owner,) if merchant_owner else ()
    user_id = int(row["customer_user_id"])
    return Event(type="transaction:completed", data=data, user_id=user_id, platform=PLATFORM, also_users=also)


async def transaction_completed(sandbox: Sandbox, transaction_id: str) -> None:
    row = await transaction_by_id(sandbox.db, transaction_id)
    if row is None:
        return
    owner = await _merchant_owner(sandbox, row["merchant_id"])
    await sandbox.events.publish(completed_event(row, owner, sandbox.clock.time()))


async def risk_alert(
    sandbox: Sandbox, transaction_id: str, user_id: int, score: int, level: str, decision: str
) -> None:
    data = {
        "transactionId": transaction_id,
        "riskScore": score,
        "riskLevel": level,
        "decision": decision,
        "requiresAction": decision in {"HOLD", "BLOCK", "REQUIRE_VERIFICATION"},
        "timestamp": iso(sandbox.clock.time()),
    }
    await publish(sandbox, "fraud:risk_alert", data, user_id)
