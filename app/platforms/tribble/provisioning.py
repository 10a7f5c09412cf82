"""What the sandbox may build for Tribble outside its contract: the wallet money on demand credits.

Tribble has no wallet-creation route: every user has an NGN and a USD wallet (opened on first
use). Funding opens those two; another currency is funded only when the user already holds a
wallet in it (opened through another platform), else ``400 wallet_not_allowed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core import wallet_rules
from app.core.errors import ValidationFailed
from app.core.money import normalize_currency
from app.core.wallet_rules import PlatformWallet, WalletRule
from app.platforms.tribble.render import wallet_id
from app.platforms.tribble.wallets import DEFAULT_CURRENCIES, open_default_wallets, wallet_in_currency

if TYPE_CHECKING:
    from app.runtime import Sandbox


def wallet_rule(sandbox: Sandbox) -> WalletRule:
    async def find_wallet(user_id: int, currency: str) -> PlatformWallet | None:
        account = await wallet_in_currency(sandbox, user_id, normalize_currency(currency))
        if account is None:
            return None
        return PlatformWallet(
            "tribble", account.id, wallet_id(account.id), "ACTIVE" if account.is_active else "INACTIVE"
        )

    async def open_wallet(user_id: int, currency: str) -> PlatformWallet:
        code = normalize_currency(currency)
        if code in DEFAULT_CURRENCIES:
            await open_default_wallets(sandbox, user_id)
        found = await find_wallet(user_id, code)
        if found is None:
            raise ValidationFailed(
                f"Tribble opens {' and '.join(DEFAULT_CURRENCIES)} wallets only; this user has no {code} wallet",
                code="wallet_not_allowed",
                currency=code,
                platform="tribble",
            )
        return found

    return WalletRule(
        "tribble",
        "Tribble's NGN and USD wallets (other currencies only when already held)",
        open_wallet,
        find_wallet,
        opens=lambda currency: currency in DEFAULT_CURRENCIES,
    )


def install(sandbox: Sandbox) -> None:
    wallet_rules.register(sandbox, wallet_rule(sandbox))
