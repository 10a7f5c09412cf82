"""Which wallet a platform credits when the sandbox puts money in (money on demand, fixtures).

Every balance is a ledger account, but each platform has its own rules for the wallet that holds
it: Cashier and T-Wallet open a user wallet in any currency, Tribble opens NGN and USD, Nivo keeps
its own wallet row (status ``pending`` until activated) over the ledger account, and Drop's money
sits in a bank account at a simulated bank. A platform registers one :class:`WalletRule` at
install; the control API asks for it by the platform's name without importing the platform.

The rule named ``ledger`` (no platform) is the user's plain ledger wallet in that currency, which
every platform that lists the user's wallets shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.errors import ValidationFailed
from app.core.ledger.models import Account
from app.core.money import normalize_currency

if TYPE_CHECKING:
    from app.runtime import Sandbox

_EXTRAS_KEY = "wallet_rules"
LEDGER = "ledger"
WALLET_PURPOSE = "ACCOUNT_PURPOSE_WALLET"


@dataclass(frozen=True, slots=True)
class PlatformWallet:
    """A wallet as one platform names it, over the ledger account that holds its money."""

    platform: str
    account_id: int
    wallet_id: str  # the platform's own id for it (account number, Tribble wallet id, Nivo uuid, ba_...)
    status: str = "active"


@dataclass(frozen=True)
class WalletRule:
    platform: str
    description: str  # which currencies it opens and how, for errors and docs
    # Get-or-create the user's wallet in a currency (ValidationFailed when the platform's rules forbid).
    open: Callable[[int, str], Awaitable[PlatformWallet]]
    # The user's existing wallet in a currency, or None (a debit never creates one).
    find: Callable[[int, str], Awaitable[PlatformWallet | None]]
    # Whether ``open`` creates a wallet in this (normalised) currency for a user who has none.
    opens: Callable[[str], bool] = lambda currency: True


def register(sandbox: Sandbox, rule: WalletRule) -> None:
    sandbox.extras.setdefault(_EXTRAS_KEY, {})[rule.platform] = rule


def rules_of(sandbox: Sandbox) -> dict[str, WalletRule]:
    found: dict[str, WalletRule] = dict(sandbox.extras.get(_EXTRAS_KEY, {}))
    found.setdefault(LEDGER, ledger_rule(sandbox))
    return dict(sorted(found.items()))


def rule_for(sandbox: Sandbox, platform: str | None) -> WalletRule:
    """The rule of ``platform`` (None or "" or "ledger": the plain ledger wallet); ValidationFailed when unknown."""
    rules = rules_of(sandbox)
    name = (platform or LEDGER).strip().lower()
    rule = rules.get(name)
    if rule is None:
        known = [p for p in rules if p != LEDGER]
        raise ValidationFailed(
            f"Unknown platform {platform!r}; one of {known} (or leave it out for the plain ledger wallet)",
            code="unknown_platform",
            platform=str(platform),
            platforms=known,
        )
    return rule


def ledger_wallet(account: Account, platform: str = LEDGER) -> PlatformWallet:
    return PlatformWallet(platform, account.id, account.number, "active" if account.is_active else "inactive")


def ledger_rule(sandbox: Sandbox, platform: str = LEDGER, description: str = "") -> WalletRule:
    """The user's ledger wallet account in the currency, opened in any supported currency."""

    async def open_wallet(user_id: int, currency: str) -> PlatformWallet:
        account = await sandbox.ledger.open_account(
            "user", user_id, normalize_currency(currency), purpose=WALLET_PURPOSE
        )
        return ledger_wallet(account, platform)

    async def find_wallet(user_id: int, currency: str) -> PlatformWallet | None:
        code = normalize_currency(currency)
        for account in await sandbox.ledger.accounts_of("user", user_id, purpose=WALLET_PURPOSE):
            if account.currency == code:
                return ledger_wallet(account, platform)
        return None

    return WalletRule(
        platform, description or "the user's ledger wallet, opened in any supported currency", open_wallet, find_wallet
    )
