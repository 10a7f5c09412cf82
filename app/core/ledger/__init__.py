"""The double-entry ledger: accounts, balanced idempotent postings, holds, statements, invariants.

``install(sandbox)`` sets ``sandbox.ledger`` (a :class:`LedgerService`) and registers the
scheduler handler that expires holds on the sandbox clock. Sync twins for composing several
writes in one savepoint live in ``accounts`` (``open_account_in``, ``system_account_in``),
``postings`` (``post_in``) and ``holds`` (``place_hold_in``, ``post_hold_in``, ``void_hold_in``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.ledger.holds import HOLD_EXPIRY_JOB
from app.core.ledger.models import CREDIT, DEBIT, Account, Entry, Hold, Journal, Leg, Statement
from app.core.ledger.service import LedgerService

if TYPE_CHECKING:
    from app.runtime import Sandbox

__all__ = ["CREDIT", "DEBIT", "Account", "Entry", "Hold", "Journal", "Leg", "LedgerService", "Statement", "install"]


def install(sandbox: Sandbox) -> None:
    ledger = LedgerService(sandbox.db, sandbox.clock, sandbox.scheduler)
    sandbox.ledger = ledger
    sandbox.scheduler.register(HOLD_EXPIRY_JOB, ledger.expire_hold_job)
