"""What the sandbox may build for T-Wallet outside its contract: the wallet money on demand credits.

T-Wallet's balances are the user's ledger wallets, one per ``asset_key`` (currency), on the
user's one T-Wallet account (``TW`` + id); a send opens the recipient's asset in any currency, so
funding opens it the same way. The wallet id answered is ``<account_id>:<asset_key>``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from app.core import wallet_rules
from app.core.identity.models import twallet_account_id_for
from app.core.wallet_rules import PlatformWallet, WalletRule

if TYPE_CHECKING:
    from app.runtime import Sandbox


def _named(wallet: PlatformWallet, user_id: int, currency: str) -> PlatformWallet:
    return replace(wallet, wallet_id=f"{twallet_account_id_for(user_id)}:{currency.strip().upper()}")


def wallet_rule(sandbox: Sandbox) -> WalletRule:
    ledger = wallet_rules.ledger_rule(sandbox, "twallet")

    async def open_wallet(user_id: int, currency: str) -> PlatformWallet:
        return _named(await ledger.open(user_id, currency), user_id, currency)

    async def find_wallet(user_id: int, currency: str) -> PlatformWallet | None:
        found = await ledger.find(user_id, currency)
        return None if found is None else _named(found, user_id, currency)

    return WalletRule(
        "twallet", "a T-Wallet asset (the ledger wallet) in any supported currency", open_wallet, find_wallet
    )


def install(sandbox: Sandbox) -> None:
    wallet_rules.register(sandbox, wallet_rule(sandbox))
