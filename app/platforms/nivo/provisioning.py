"""What the sandbox may build for Nivo outside its contract: the wallet money on demand credits.

A Nivo wallet is a row of its own (uuid, status) over the user's ledger wallet account. Funding a
user with no Nivo wallet in the currency takes the two steps a user would (create the wallet,
activate it), so the money can move at once; an existing wallet keeps its status (a frozen one is
still credited: the ledger account is not frozen, only Nivo's use of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core import wallet_rules
from app.core.money import normalize_currency
from app.core.wallet_rules import PlatformWallet, WalletRule
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.wallets import NivoWallet, create_wallet, move_status, wallets_of

if TYPE_CHECKING:
    from app.runtime import Sandbox


def _platform_wallet(w: NivoWallet) -> PlatformWallet:
    return PlatformWallet("nivo", w.account_id, w.id, w.status)


async def nivo_wallet(sandbox: Sandbox, user_id: int, currency: str) -> NivoWallet | None:
    code = normalize_currency(currency)
    for w in await wallets_of(sandbox, user_id):
        if w.currency == code:
            return w
    return None


async def open_active_wallet(sandbox: Sandbox, user_id: int, currency: str) -> NivoWallet:
    """The user's Nivo wallet in ``currency``: created and activated when there is none (race-safe)."""
    found = await nivo_wallet(sandbox, user_id, currency)
    if found is not None:
        return found
    try:
        created = await create_wallet(sandbox, user_id, currency)
    except NivoError:  # created meanwhile by a concurrent call: use that one
        again = await nivo_wallet(sandbox, user_id, currency)
        if again is None:
            raise
        return again
    try:
        return await move_status(sandbox, created, "activate")
    except NivoError:  # activated meanwhile
        again = await nivo_wallet(sandbox, user_id, currency)
        assert again is not None
        return again


def wallet_rule(sandbox: Sandbox) -> WalletRule:
    async def open_wallet(user_id: int, currency: str) -> PlatformWallet:
        return _platform_wallet(await open_active_wallet(sandbox, user_id, currency))

    async def find_wallet(user_id: int, currency: str) -> PlatformWallet | None:
        found = await nivo_wallet(sandbox, user_id, currency)
        return None if found is None else _platform_wallet(found)

    return WalletRule(
        "nivo", "a Nivo wallet in any supported currency (created and activated)", open_wallet, find_wallet
    )


def install(sandbox: Sandbox) -> None:
    wallet_rules.register(sandbox, wallet_rule(sandbox))
