"""Nivo beneficiaries: another Nivo user (by phone) a wallet owner pays, stored in ``nivo_beneficiaries``.

``add_beneficiary`` is the write behind ``POST /api/v1/wallet/beneficiaries`` once its
verification passed (the route marks the verification used in the same write) and behind the
``nivo_beneficiaries`` fixture items.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from app.core.identity.models import User
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.store.beneficiaries import beneficiary_by_pair_in, insert_beneficiary_in
from app.platforms.nivo.store.wallets import payee_wallet_id_in
from app.runtime import Sandbox


async def find_beneficiary(sandbox: Sandbox, owner_id: int, target_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = await sandbox.db.read(lambda conn: beneficiary_by_pair_in(conn, owner_id, target_id))
    return row


async def add_beneficiary(
    sandbox: Sandbox,
    owner_id: int,
    target: User,
    nickname: str,
    phone: str,
    *,
    also: Callable[[sqlite3.Connection, float], Any] | None = None,
) -> sqlite3.Row:
    """Insert the beneficiary (its wallet: the target's INR wallet, else their oldest active one).

    ``also(conn, now)`` runs in the same write (the route marks its verification used there);
    CONFLICT when the owner already has this beneficiary."""
    wallet_row = await sandbox.db.read(lambda conn: payee_wallet_id_in(conn, target.id))
    beneficiary_id = str(uuid.uuid4())
    now = sandbox.clock.time()

    def run(conn: sqlite3.Connection) -> sqlite3.Row:
        if also is not None:
            also(conn, now)
        wallet_id = wallet_row["id"] if wallet_row else None
        try:
            return insert_beneficiary_in(conn, beneficiary_id, owner_id, target.id, wallet_id, nickname, phone, now)
        except sqlite3.IntegrityError:
            raise NivoError("CONFLICT", "Beneficiary already exists") from None

    row: sqlite3.Row = await sandbox.db.write(run)
    return row
