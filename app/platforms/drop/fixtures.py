"""Fixture items of Drop: ``drop_bank_accounts``, accounts at the simulated open-banking banks.

Linked through the banks simulator (``link_account``, as a first Drop login links one) with no
opening balance; ``balance`` (NOK, minor units) is then funded from the sandbox funding account, so
the money is one balanced journal like every fixture balance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import msgspec

from app.core import fixture_kinds
from app.core.fixture_kinds import Built, Declared, FixtureKind, Issue, Ref
from app.core.ledger.postings import MAX_MINOR
from app.platforms.drop.respond import banks_of
from simulators.banks import BANKS

if TYPE_CHECKING:
    from app.runtime import Sandbox

BankCode = Literal["DNB", "NORDEA", "SPAREBANK1", "HANDELSBANKEN", "SBANKEN"]
assert set(get_args(BankCode)) == {bank.code for bank in BANKS}


class BankAccountItem(msgspec.Struct, forbid_unknown_fields=True):
    owner: str  # "@user"
    bank: BankCode = "DNB"
    balance: Annotated[int, msgspec.Meta(ge=0, le=MAX_MINOR)] = 0  # NOK minor units
    primary: bool = False


async def _check(item: BankAccountItem, doc: Declared) -> list[Issue]:
    _, owner = doc.declared(item.owner)
    if any((b.platform or "").lower() == "drop" for b in owner.balances):
        return [("owner", f"{item.owner} also sets a Drop balance in users: give the balance here instead")]
    return []


async def _apply(name: str, item: BankAccountItem, built: Built) -> dict[str, Any]:
    owner = await built.user(item.owner)
    banks = banks_of(built.sandbox)
    account = await banks.link_account(owner.id, bank=item.bank, opening_balance=0, primary=item.primary or None)
    await built.sandbox.ledger.settle_balance_to(account.ledger_account_id, item.balance, description="Fixture balance")
    (fresh,) = [a for a in await banks.read_balances(owner.id) if a.id == account.id]
    ledger = await built.sandbox.ledger.balance(fresh.ledger_account_id)
    return {
        "drop": {
            "id": fresh.public_id,
            "bankName": fresh.bank_name,
            "accountNumber": fresh.account_number,
            "isPrimary": fresh.is_primary,
        },
        "ledger": {"account_number": ledger.number, "balance": ledger.balance},
    }


def install(sandbox: Sandbox) -> None:
    fixture_kinds.register(
        sandbox,
        FixtureKind(
            section="drop_bank_accounts",
            platform="drop",
            order=15,
            summary="a bank account at a simulated bank (DNB, NORDEA, SPAREBANK1, HANDELSBANKEN, SBANKEN) "
            "holding `balance` NOK",
            item=BankAccountItem,
            apply=_apply,
            refs=(Ref("owner", ("users",)),),
            check=_check,
        ),
    )
