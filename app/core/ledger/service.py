"""``sandbox.ledger``: the async face of the ledger (docs/core-api.md).

Each write is one ``db.write`` call: the sync function runs on the writer thread inside its
own savepoint of a group-committed batch, so a posting crosses the thread boundary once and
its caller hears of success only after the batch's COMMIT. Reads run on read-only connections.
The sandbox clock is read inside the write function, on the writer thread, so ``created_at`` follows
commit order (entry ids) and statements ordered by time agree with the ``balance_after`` chain.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from app.core.clock import SandboxClock
from app.core.fees import FeeSchedule
from app.core.fx import FxDesk
from app.core.ledger import accounts as acc
from app.core.ledger.funding import settle_to_in
from app.core.ledger.holds import HOLD_COLUMNS, get_hold_in, hold_from_row, place_hold_in, post_hold_in, void_hold_in
from app.core.ledger.invariants import InvariantReport, check_connection
from app.core.ledger.journals import journal_by_key_in, journal_by_receipt_in, journal_in
from app.core.ledger.models import Account, Entry, Hold, Journal, Leg, Statement
from app.core.ledger.postings import OnPosted, post_in
from app.core.ledger.statements import entries_in, last_entry_in, statement_in
from app.core.scheduler import Job, Scheduler
from app.db.database import Database


class LedgerService:
    def __init__(self, db: Database, clock: SandboxClock, scheduler: Scheduler | None = None) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = scheduler
        self.fees = FeeSchedule(db)
        self.fx = FxDesk(db, clock)

    # -- accounts ----------------------------------------------------------------------------
    async def open_account(
        self,
        owner_type: str,
        owner_id: int | None,
        currency: str,
        *,
        purpose: str = "ACCOUNT_PURPOSE_WALLET",
        type: str = "ACCOUNT_TYPE_REAL",
        allow_negative: bool = False,
        active: bool = True,
        label: str = "",
    ) -> Account:
        # Get-or-create, and nearly always "get" (a wallet, a merchant's account on every payment):
        # look inline first; only a missing account goes to the writer (accounts are never deleted).
        key, _cur = acc.account_key(owner_type, owner_id, currency, purpose, type)
        found = self.db.peek(lambda c: acc.find_account_by_key_in(c, key))
        if found is not None:
            return found
        result: Account = await self.db.write(
            lambda c: acc.open_account_in(
                c,
                self.clock.time(),
                owner_type,
                owner_id,
                currency,
                purpose=purpose,
                type=type,
                allow_negative=allow_negative,
                active=active,
                label=label,
            )
        )
        return result

    async def system_account(self, name: str, currency: str) -> Account:
        # Created once, then read on every payment: look inline first, get-or-create on the writer only
        # the first time (system accounts are never deleted).
        found = self.db.peek(lambda c: acc.find_system_account_in(c, name, currency))
        if found is not None:
            return found
        result: Account = await self.db.write(lambda c: acc.system_account_in(c, self.clock.time(), name, currency))
        return result

    # Lookups by key touch O(1) rows (an owner holds a handful of accounts): read in place (Database.peek).
    async def get_account(self, account_id: int) -> Account | None:
        return self.db.peek(lambda c: acc.get_account_in(c, account_id))

    async def get_account_by_number(self, number: str) -> Account | None:
        return self.db.peek(lambda c: acc.get_account_by_number_in(c, number))

    async def accounts_of(self, owner_type: str, owner_id: int | None, *, purpose: str | None = None) -> list[Account]:
        return self.db.peek(lambda c: acc.accounts_of_in(c, owner_type, owner_id, purpose=purpose))

    async def set_account_flags(
        self, account_id: int, *, active: bool | None = None, locked: bool | None = None
    ) -> Account:
        result: Account = await self.db.write(
            lambda c: acc.set_account_flags_in(c, account_id, active=active, locked=locked)
        )
        return result

    async def balance(self, account_id: int) -> Account:
        """Balance, available, pending debit/credit, last transaction time (one indexed row)."""
        return self.db.peek(lambda c: acc.require_account_in(c, account_id))

    async def last_entry(self, account_id: int) -> Entry | None:
        """The account's newest entry (one index step, whatever the history)."""
        return self.db.peek(lambda c: last_entry_in(c, account_id))

    # -- postings ----------------------------------------------------------------------------
    async def post(
        self,
        type: str,
        legs: Sequence[Leg],
        *,
        description: str = "",
        idempotency_key: str | None = None,
        metadata: dict[str, Any] | None = None,
        on_posted: OnPosted | None = None,
    ) -> Journal:
        legs = tuple(legs)

        def run(conn: sqlite3.Connection) -> Journal:
            return post_in(
                conn,
                self.clock.time(),
                type,
                legs,
                description=description,
                idempotency_key=idempotency_key,
                metadata=metadata,
                on_posted=on_posted,
                atomic=False,
            )

        result: Journal = await self.db.write(run)
        return result

    async def settle_balance_to(
        self, account_id: int, target: int, *, description: str = "Sandbox balance"
    ) -> Journal | None:
        """Bring an account's balance to ``target`` from/to the sandbox funding account (one journal or none).

        Read and posted in one write job, so two racing calls end at ``target`` too (the second posts nothing).
        """

        def run(conn: sqlite3.Connection) -> Journal | None:
            account = acc.require_account_in(conn, account_id)
            return settle_to_in(conn, self.clock.time(), account, target, description=description)

        result: Journal | None = await self.db.write(run)
        return result

    # -- holds -------------------------------------------------------------------------------
    async def place_hold(
        self,
        account_id: int,
        amount: int,
        *,
        direction: str = "debit",
        reference: str = "",
        expires_at: float | None = None,
        idempotency_key: str | None = None,
    ) -> Hold:
        hold: Hold = await self.db.write(
            lambda c: place_hold_in(
                c,
                self.clock.time(),
                account_id,
                amount,
                direction=direction,
                reference=reference,
                expires_at=expires_at,
                idempotency_key=idempotency_key,
                atomic=False,
            )
        )
        if expires_at is not None and self.scheduler is not None:
            self.scheduler.wake()
        return hold

    async def post_hold(
        self,
        hold_id: int,
        type: str,
        legs: Sequence[Leg],
        *,
        description: str = "",
        idempotency_key: str | None = None,
        metadata: dict[str, Any] | None = None,
        on_posted: OnPosted | None = None,
    ) -> Journal:
        legs = tuple(legs)
        result: Journal = await self.db.write(
            lambda c: post_hold_in(
                c,
                self.clock.time(),
                hold_id,
                type,
                legs,
                description=description,
                idempotency_key=idempotency_key,
                metadata=metadata,
                on_posted=on_posted,
                atomic=False,
            )
        )
        return result

    async def void_hold(self, hold_id: int, *, reason: str = "") -> Hold:
        result: Hold = await self.db.write(
            lambda c: void_hold_in(c, self.clock.time(), hold_id, reason=reason, atomic=False)
        )
        return result

    async def hold(self, hold_id: int) -> Hold | None:
        return await self.db.read(lambda c: get_hold_in(c, hold_id))

    async def holds_of(self, account_id: int, *, status: str | None = None) -> list[Hold]:
        def run(conn: sqlite3.Connection) -> list[Hold]:
            sql = f"SELECT {HOLD_COLUMNS} FROM holds WHERE account_id = ?"
            params: list[Any] = [account_id]
            if status is not None:
                sql += " AND status = ?"
                params.append(status)
            return [hold_from_row(r) for r in conn.execute(sql + " ORDER BY id", params)]

        return await self.db.read(run)

    async def expire_hold_job(self, job: Job) -> None:
        """Scheduler handler for ``ledger.hold_expiry``: an open hold past its time becomes ``expired``."""
        hold_id = int(job.payload["hold_id"])

        def run(conn: sqlite3.Connection) -> None:
            hold = get_hold_in(conn, hold_id)
            if hold is not None and hold.status == "open":
                void_hold_in(conn, self.clock.time(), hold_id, reason="expired", status="expired", atomic=False)

        await self.db.write(run)

    # -- reads ---------------------------------------------------------------------------------
    async def journal(self, journal_id: int) -> Journal | None:
        return await self.db.read(lambda c: journal_in(c, journal_id))

    async def journal_by_receipt(self, receipt_code: str) -> Journal | None:
        return await self.db.read(lambda c: journal_by_receipt_in(c, receipt_code))

    async def journal_by_key(self, idempotency_key: str) -> Journal | None:
        return await self.db.read(lambda c: journal_by_key_in(c, idempotency_key))

    async def entries(
        self,
        account_id: int,
        *,
        start: float | None = None,
        end: float | None = None,
        limit: int | None = 50,
        offset: int = 0,
        newest_first: bool = False,
    ) -> tuple[list[Entry], int]:
        return await self.db.read(
            lambda c: entries_in(
                c, account_id, start=start, end=end, limit=limit, offset=offset, newest_first=newest_first
            )
        )

    async def statement(
        self,
        account_id: int,
        *,
        start: float | None = None,
        end: float | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Statement:
        return await self.db.read(
            lambda c: statement_in(c, account_id, start=start, end=end, limit=limit, offset=offset)
        )

    async def check(self) -> InvariantReport:
        return await self.db.read(check_connection)

    async def reload(self) -> None:
        """Nothing is cached in memory (snapshot restore calls this)."""
