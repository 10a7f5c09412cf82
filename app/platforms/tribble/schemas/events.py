"""msgspec Structs of Tribble's Socket.IO traffic: the connect auth, ``subscribe``, its ack, the events.

The shapes ``realtime`` reads and writes; ``app/asyncapi.py`` describes the Socket.IO contract
from them, and ``tests/contract/tribble/test_asyncapi.py`` checks real events against them field by
field. Each event is emitted under its own name with the envelope ``{"event": <name>, "data"}``.
"""

from __future__ import annotations

from typing import Literal

from app.platforms.tribble.schemas import Amount, Base


class Strict(Base, forbid_unknown_fields=True):
    pass


class ConnectAuth(Strict):
    token: str  # "Bearer <accessToken>" (or the bare token); ?token= and an Authorization header work too


class ConnectErrorData(Strict):
    error_code: str  # UNAUTHORIZED, TOKEN_EXPIRED, ...
    message: str


class ConnectError(Strict):
    """What a refused handshake answers (socket.io v5): ``err.message`` and ``err.data``."""

    message: str
    data: ConnectErrorData


class SubscribeIn(Strict):
    channels: list[str]  # "user:<userId>" (the caller's own) and "transaction:all"


class SubscribeAck(Strict):
    subscribed: list[str]  # every channel the socket is now subscribed to
    rejected: list[str]  # the asked channels it may not have (another user's)
    error: str | None = None  # "not authenticated" when the session is gone


class UnsubscribeAck(Strict):
    subscribed: list[str]


# -- events (the ``data`` of each) --------------------------------------------------------------
class TransactionCompleted(Strict):
    transaction_id: str
    amount: Amount
    status: str  # SUCCESS, FAILED, ...
    merchant_id: str | None
    timestamp: str


class SubscriptionCharged(Strict):
    subscription_id: str
    charge_id: str
    amount: Amount
    status: str  # SUCCEEDED or FAILED
    next_charge_date: str | None
    timestamp: str


class DisputeCreated(Strict):
    dispute_id: str
    transaction_id: str
    reason: str
    amount: Amount
    deadline: str  # a date, YYYY-MM-DD
    timestamp: str


class RiskAlert(Strict):
    transaction_id: str
    risk_score: int
    risk_level: str  # LOW, MEDIUM, HIGH, CRITICAL
    decision: str  # ALLOW, REVIEW, REQUIRE_VERIFICATION, HOLD, BLOCK
    requires_action: bool
    timestamp: str


class TransactionCompletedEvent(Strict):
    event: Literal["transaction:completed"]
    data: TransactionCompleted


class SubscriptionChargedEvent(Strict):
    event: Literal["subscription:charged"]
    data: SubscriptionCharged


class DisputeCreatedEvent(Strict):
    event: Literal["dispute:created"]
    data: DisputeCreated


class RiskAlertEvent(Strict):
    event: Literal["fraud:risk_alert"]
    data: RiskAlert


EVENTS: dict[str, type[Strict]] = {
    "transaction:completed": TransactionCompletedEvent,
    "subscription:charged": SubscriptionChargedEvent,
    "dispute:created": DisputeCreatedEvent,
    "fraud:risk_alert": RiskAlertEvent,
}
