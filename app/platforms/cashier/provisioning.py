"""What the sandbox may build for Cashier outside its contract: the wallet money on demand credits.

A Cashier account is the user's ledger wallet in a currency; Cashier opens one in any supported
currency on a first deposit or incoming transfer, so funding opens it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core import wallet_rules

if TYPE_CHECKING:
    from app.runtime import Sandbox


def install(sandbox: Sandbox) -> None:
    wallet_rules.register(
        sandbox,
        wallet_rules.ledger_rule(sandbox, "cashier", "a Cashier account (the ledger wallet) in any supported currency"),
    )
