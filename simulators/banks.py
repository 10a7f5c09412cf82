"""Simulated Norwegian open-banking banks (DNB, Nordea, SpareBank 1, Handelsbanken, Sbanken) for Drop.

Each user bank account is a ledger account (owner_type ``bank``, purpose
``ACCOUNT_PURPOSE_BANK``, owner_id = the bank account row id, NOK, never negative), funded
from the bank's own settlement account (owner_type ``bank``, owner_id = the bank's number,
purpose ``ACCOUNT_PURPOSE_SETTLEMENT``, may go negative). The money is the bank's, not Drop's:

- AISP: ``read_balances(user_id)`` reads each account's ledger balance and stores it as the
  cached balance (``balance_cached``; ``balance_read_at`` is when a read last found it moved) that
  Drop shows.
- PISP: ``initiate_payment(account, legs, ...)`` posts a payment journal debiting the bank
  account through the ledger (all legs or none; insufficient funds refused by the ledger).

Account numbers are 11-digit Norwegian numbers (``1503.10.00012`` style) with a valid MOD11
check digit, derived from the row id, so they are unique and stable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from app.core.errors import NotFound
from app.core.ledger.accounts import get_account_in, open_account_in
from app.core.ledger.models import Journal, Leg

if TYPE_CHECKING:
    from app.runtime import Sandbox

CURRENCY = "NOK"
# Opening balance of a newly linked account: 50,000.00 NOK (minor units).
DEFAULT_OPENING_BALANCE = 5_000_000


@dataclass(frozen=True, slots=True)
class Bank:
    code: str  # simulator name suffix: "bank:DNB"
    name: str  # what Drop shows as bankName
    number: int  # owner_id of the bank's settlement account
    clearing: str  # 4-digit clearing prefix of its account numbers


BANKS: tuple[Bank, ...] = (
    Bank("DNB", "DNB", 1, "1503"),
    Bank("NORDEA", "Nordea", 2, "6021"),
    Bank("SPAREBANK1", "SpareBank 1", 3, "4200"),
    Bank("HANDELSBANKEN", "Handelsbanken", 4, "9042"),
    Bank("SBANKEN", "Sbanken", 5, "9710"),
)
_BY_CODE = {bank.code: bank for bank in BANKS}


@dataclass(frozen=True, slots=True)
class BankAccount:
    id: int
    user_id: int
    bank: str
    account_number: str
    currency: str
    ledger_account_id: int
    is_primary: bool
    balance: int  # last AISP-read balance, minor units
    balance_read_at: float | None
    created_at: float

    @property
    def bank_name(self) -> str:
        return _BY_CODE[self.bank].name if self.bank in _BY_CODE else self.bank

    @property
    def public_id(self) -> str:
        return f"ba_{self.id}"

    @property
    def simulator(self) -> str:
        return f"bank:{self.bank}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> BankAccount:
        return cls(
            int(row["id"]),
            int(row["user_id"]),
            row["bank"],
            row["account_number"],
            row["currency"],
            int(row["ledger_account_id"]),
            bool(row["is_primary"]),
            int(row["balance_cached"]),
            row["balance_read_at"],
            float(row["created_at"]),
        )


_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def mod11_check(body: str) -> int | None:
    """Norwegian MOD11 check digit of a 10-digit body; None when no valid digit exists."""
    remainder = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else check


def account_number_for(bank: Bank, row_id: int) -> str:
    """``CCCC.SI.IIIIK``: clearing, a series digit, the row id (5 digits) and the MOD11 check digit."""
    ident = f"{row_id % 100000:05d}"
    for series in range(10):
        body = f"{bank.clearing}{series}{ident}"
        check = mod11_check(body)
        if check is not None:
            digits = f"{body}{check}"
            return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    raise RuntimeError("no valid account number")  # pragma: no cover - some series always works


def bank_for(code: str) -> Bank:
    bank = _BY_CODE.get(code.upper().replace(" ", ""))
    if bank is None:
        raise NotFound(f"Unknown bank {code!r}", code="bank_not_found")
    return bank


class OpenBankingBanks:
    """The banks simulator Drop talks to (``sandbox.extras["banks"]``)."""

    banks = BANKS

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    # -- accounts ------------------------------------------------------------------------------
    def bank_for_user(self, user_id: int) -> Bank:
        """New users are spread over the banks round-robin by user id (deterministic)."""
        return BANKS[(user_id - 1) % len(BANKS)]

    async def link_account(
        self,
        user_id: int,
        *,
        bank: str | None = None,
        opening_balance: int = DEFAULT_OPENING_BALANCE,
        primary: bool | None = None,
        unless_linked: bool = False,
    ) -> BankAccount:
        """Link a new account at ``bank`` with ``opening_balance`` funded by the bank (idempotent funding).

        ``unless_linked``: when the user already has an account (checked in the same write job, so two
        racing first logins link one), return their primary account instead.
        """
        chosen = bank_for(bank) if bank else self.bank_for_user(user_id)
        now = self.sandbox.clock.time()

        def create(conn: sqlite3.Connection) -> tuple[int, int, int] | None:
            if (
                unless_linked
                and conn.execute("SELECT 1 FROM ob_bank_accounts WHERE user_id = ?", (user_id,)).fetchone()
            ):
                return None
            has_primary = conn.execute(
                "SELECT 1 FROM ob_bank_accounts WHERE user_id = ? AND is_primary = 1", (user_id,)
            ).fetchone()
            is_primary = (not has_primary) if primary is None else primary
            if is_primary:
                conn.execute("UPDATE ob_bank_accounts SET is_primary = 0 WHERE user_id = ?", (user_id,))
            cur = conn.execute(
                "INSERT INTO ob_bank_accounts (user_id, bank, account_number, currency, ledger_account_id, "
                "is_primary, balance_cached, balance_read_at, created_at) VALUES (?, ?, ?, ?, 0, ?, 0, ?, ?)",
                (user_id, chosen.code, f"pending-{now}-{user_id}", CURRENCY, int(is_primary), now, now),
            )
            row_id = int(cur.lastrowid or 0)
            account = open_account_in(
                conn, now, "bank", row_id, CURRENCY, purpose="ACCOUNT_PURPOSE_BANK", label=f"{chosen.name} {row_id}"
            )
            settlement = open_account_in(
                conn,
                now,
                "bank",
                chosen.number,
                CURRENCY,
                purpose="ACCOUNT_PURPOSE_SETTLEMENT",
                type="ACCOUNT_TYPE_SYSTEM",
                allow_negative=True,
                label=f"{chosen.name} settlement",
            )
            conn.execute(
                "UPDATE ob_bank_accounts SET account_number = ?, ledger_account_id = ? WHERE id = ?",
                (account_number_for(chosen, row_id), account.id, row_id),
            )
            return row_id, account.id, settlement.id

        created = await self.sandbox.db.write(create)
        if created is None:
            existing = await self.primary(user_id)
            assert existing is not None
            return existing
        row_id, ledger_id, settlement_id = created
        if opening_balance > 0:
            await self.fund(row_id, opening_balance, key=f"bank:open:{row_id}", _settlement=settlement_id)
        account = await self.get(row_id)
        assert account is not None and account.ledger_account_id == ledger_id
        return account

    async def ensure_primary(self, user_id: int) -> BankAccount:
        """The user's primary account, linking one (with the opening balance) when the user has none."""
        accounts = await self.accounts(user_id)
        for account in accounts:
            if account.is_primary:
                return account
        if accounts:
            return accounts[0]
        return await self.link_account(user_id, unless_linked=True)

    async def accounts(self, user_id: int) -> list[BankAccount]:
        rows = self.sandbox.db.lookup_all(
            "SELECT * FROM ob_bank_accounts WHERE user_id = ? ORDER BY is_primary DESC, id", (user_id,)
        )
        return [BankAccount.from_row(row) for row in rows]

    async def get(self, account_id: int) -> BankAccount | None:
        row = self.sandbox.db.lookup("SELECT * FROM ob_bank_accounts WHERE id = ?", (account_id,))
        return None if row is None else BankAccount.from_row(row)

    async def primary(self, user_id: int) -> BankAccount | None:
        accounts = await self.accounts(user_id)
        return accounts[0] if accounts else None

    # -- AISP ----------------------------------------------------------------------------------
    async def read_balances(self, user_id: int) -> list[BankAccount]:
        """AISP read: every account's balance at the bank (the ledger) becomes its cached balance.

        The read is inline (the user's few accounts by index, each ledger row by id); the cache is
        written only for the accounts whose balance moved since the last read, so a GET that finds
        nothing new costs no write.
        """
        now = self.sandbox.clock.time()

        def read(conn: sqlite3.Connection) -> tuple[list[BankAccount], list[tuple[int, float, int]]]:
            accounts: list[BankAccount] = []
            moved: list[tuple[int, float, int]] = []
            for row in conn.execute(
                "SELECT * FROM ob_bank_accounts WHERE user_id = ? ORDER BY is_primary DESC, id", (user_id,)
            ):
                account = BankAccount.from_row(row)
                ledger = get_account_in(conn, account.ledger_account_id)
                if ledger is not None and ledger.available != account.balance:
                    account = replace(account, balance=ledger.available, balance_read_at=now)
                    moved.append((ledger.available, now, account.id))
                accounts.append(account)
            return accounts, moved

        accounts, moved = self.sandbox.db.peek(read)
        if moved:
            await self.sandbox.db.write(
                lambda conn: conn.executemany(
                    "UPDATE ob_bank_accounts SET balance_cached = ?, balance_read_at = ? WHERE id = ?", moved
                )
            )
        return accounts

    # -- money in and out ------------------------------------------------------------------------
    async def fund(self, account_id: int, amount: int, *, key: str, _settlement: int | None = None) -> Journal:
        """The bank credits the account (opening balance, salary ...) from its own settlement account."""
        account = await self.get(account_id)
        if account is None:
            raise NotFound(f"Bank account {account_id} not found", code="account_not_found")
        if _settlement is None:
            settlement = await self.sandbox.ledger.open_account(
                "bank",
                bank_for(account.bank).number,
                CURRENCY,
                purpose="ACCOUNT_PURPOSE_SETTLEMENT",
                type="ACCOUNT_TYPE_SYSTEM",
                allow_negative=True,
                label=f"{account.bank_name} settlement",
            )
            _settlement = settlement.id
        now = self.sandbox.clock.time()

        def refresh_cache(conn: sqlite3.Connection, journal: Journal) -> None:
            ledger = get_account_in(conn, account.ledger_account_id)
            if ledger is not None:
                conn.execute(
                    "UPDATE ob_bank_accounts SET balance_cached = ?, balance_read_at = ? WHERE id = ?",
                    (ledger.available, now, account.id),
                )

        return await self.sandbox.ledger.post(
            "TRANSACTION_TYPE_DEPOSIT",
            [Leg(debit=_settlement, credit=account.ledger_account_id, amount=amount, description="Bank credit")],
            description=f"{account.bank_name} credit to {account.account_number}",
            idempotency_key=key,
            metadata={"bank": account.bank, "bank_account_id": account.id},
            on_posted=refresh_cache,
        )

    async def initiate_payment(
        self,
        account: BankAccount,
        legs: Sequence[Leg],
        *,
        description: str,
        idempotency_key: str,
        metadata: dict[str, Any] | None = None,
        on_posted: Callable[[sqlite3.Connection, Journal], Any] | None = None,
        type: str = "TRANSACTION_TYPE_PAYMENT",
    ) -> Journal:
        """PISP: one journal debiting the user's bank account (the legs must debit ``account``)."""
        for leg in legs:
            if leg.debit != account.ledger_account_id:
                raise ValueError("PISP legs must debit the initiating bank account")
        return await self.sandbox.ledger.post(
            type,
            legs,
            description=description,
            idempotency_key=idempotency_key,
            metadata={"bank": account.bank, "bank_account_id": account.id, **(metadata or {})},
            on_posted=on_posted,
        )


def install(sandbox: Sandbox) -> OpenBankingBanks:
    """Attach the banks to a sandbox (``sandbox.extras["banks"]``); called by Drop's install."""
    banks: OpenBankingBanks | None = sandbox.extras.get("banks")
    if banks is None:
        banks = OpenBankingBanks(sandbox)
        sandbox.extras["banks"] = banks
    return banks
