"""``GET /profile/``: the caller's profile (``profile_id``, ``account_id``, names, phone digits)."""

from __future__ import annotations

from litestar import get

from app.core.identity.models import User
from app.platforms.twallet import render
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController


class ProfileController(GuardedController):
    path = "/profile"

    @get("/", operation_id="twalletGetProfile", opt={"twallet_op": "profile"})
    async def get_profile(self, user: User) -> s.Profile:
        return render.profile(user)
