"""``GET /profile/account/{account_number}``: the caller's one account, its assets and balances."""

from __future__ import annotations

from litestar import get

from app.core.identity.models import User
from app.core.wallet_rules import WALLET_PURPOSE
from app.platforms.twallet import render
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController
from app.platforms.twallet.errors import record_not_found
from app.registry import SandboxDep


class AccountController(GuardedController):
    path = "/profile"

    @get(
        "/account/{account_number:str}",
        operation_id="twalletGetAccount",
        opt={"twallet_op": "account"},
    )
    async def get_account(self, sandbox: SandboxDep, user: User, account_number: str) -> s.AccountView:
        if account_number != user.twallet_account_id:
            raise record_not_found()
        wallets = await sandbox.ledger.accounts_of("user", user.id, purpose=WALLET_PURPOSE)
        return render.account_view(user, wallets)
