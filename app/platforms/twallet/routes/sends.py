"""``POST /profile/send-to-profile``: check the send, hold the funds, answer ``{"code", "msg"}``."""

from __future__ import annotations

from litestar import Request, post

from app.core.identity.models import User
from app.platforms.twallet import render, sends
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController
from app.registry import SandboxDep


class SendController(GuardedController):
    path = "/profile"

    @post(
        "/send-to-profile",
        operation_id="twalletSendToProfile",
        status_code=200,
        opt={"twallet_op": "send"},
    )
    async def send_to_profile(
        self, request: Request, sandbox: SandboxDep, user: User, data: s.SendToProfileRequest
    ) -> s.CodeMsg:
        key = (request.headers.get("idempotency-key") or "").strip() or None
        order = await sends.order_for(sandbox, user, data, key)
        outcome = await sends.accept_send(sandbox, order)
        return render.accepted() if outcome.accepted else render.underfunded()
