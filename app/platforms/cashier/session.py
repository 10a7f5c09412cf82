"""One authenticated Cashier connection: who is asking, on which sandbox, and what to publish after the reply."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.errors import DomainError
from app.core.events import Event
from app.platforms.cashier.connections import Connection

if TYPE_CHECKING:
    from app.core.identity.models import User
    from app.runtime import Sandbox


@dataclass(frozen=True, slots=True)
class Reply:
    """A success reply: ``data.message`` (the documented phrase) and ``data.data`` (the payload)."""

    message: str
    payload: Any


@dataclass(slots=True)
class Session:
    sandbox: Sandbox
    user: User
    connection: Connection
    # The JWT the socket was opened with: re-checked (expiry, revocation) before every request.
    token: str = ""
    # Events to publish once the reply is queued, so the client sees its reply before the push.
    after_reply: list[Event] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return self.user.id

    def now(self) -> float:
        return self.sandbox.clock.time()

    def token_valid(self) -> bool:
        try:
            self.sandbox.identity.decode_access(self.token)
        except DomainError:
            return False
        return True

    def publish_after_reply(self, event: Event) -> None:
        self.after_reply.append(event)


async def settled(value: Any) -> Any:
    """The value of a core call that may be sync or async (FX, fees and simulator lookups)."""
    if inspect.isawaitable(value):
        return await value
    return value
