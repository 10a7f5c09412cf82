"""What the sandbox may build for Drop outside its contract: the account money on demand credits.

Drop holds no money: a user's money sits in bank accounts at the simulated open-banking banks
(NOK). Funding credits the user's primary bank account, linking one at the user's bank when they
have none (with no opening balance: the funded amount is the balance); Drop shows it at the next
AISP read (``GET /api/auth/me``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core import wallet_rules
from app.core.errors import ValidationFailed
from app.core.money import normalize_currency
from app.core.wallet_rules import PlatformWallet, WalletRule
from app.platforms.drop.respond import banks_of
from simulators.banks import CURRENCY, BankAccount

if TYPE_CHECKING:
    from app.runtime import Sandbox


def _platform_wallet(account: BankAccount) -> PlatformWallet:
    return PlatformWallet("drop", account.ledger_account_id, account.public_id, "active")


def _nok(currency: str) -> str:
    code = normalize_currency(currency)
    if code != CURRENCY:
        raise ValidationFailed(
            f"Drop's bank accounts hold {CURRENCY} only, not {code}",
            code="wallet_not_allowed",
            currency=code,
            platform="drop",
        )
    return code


def wallet_rule(sandbox: Sandbox) -> WalletRule:
    async def open_wallet(user_id: int, currency: str) -> PlatformWallet:
        _nok(currency)
        banks = banks_of(sandbox)
        account = await banks.primary(user_id) or await banks.link_account(
            user_id, opening_balance=0, unless_linked=True
        )
        return _platform_wallet(account)

    async def find_wallet(user_id: int, currency: str) -> PlatformWallet | None:
        _nok(currency)
        account = await banks_of(sandbox).primary(user_id)
        return None if account is None else _platform_wallet(account)

    return WalletRule(
        "drop",
        "the user's primary bank account at a simulated bank (NOK; linked when none)",
        open_wallet,
        find_wallet,
        opens=lambda currency: currency == CURRENCY,
    )


def install(sandbox: Sandbox) -> None:
    wallet_rules.register(sandbox, wallet_rule(sandbox))
