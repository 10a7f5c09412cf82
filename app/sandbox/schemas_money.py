"""msgspec shapes of money on demand: ``POST /_sandbox/users/{user}/fund`` and ``/debit``."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.core.ledger.postings import MAX_MINOR

MinorAmount = Annotated[
    int, msgspec.Meta(gt=0, le=MAX_MINOR, description="integer in the currency's minor units (10000 = 100.00 USD)")
]


class MoneyRequest(msgspec.Struct, forbid_unknown_fields=True):
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3, description="ISO 4217 code, e.g. USD")]
    amount: MinorAmount
    platform: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=16,
                description="cashier, tribble, nivo, twallet or drop: whose wallet rules apply "
                "(left out: the user's plain ledger wallet)",
            ),
        ]
        | None
    ) = None
    description: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class WalletRef(msgspec.Struct):
    platform: str
    id: str
    status: str
    account_id: int
    account_number: str


class MoneyMoved(msgspec.Struct):
    direction: str
    user_id: int
    email: str
    platform: str
    currency: str
    amount: int
    wallet: WalletRef
    balance: int
    available: int
    journal_id: int
    receipt_code: str
    funding_account: str
    created_at: str
    replayed: bool
