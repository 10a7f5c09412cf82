"""Nivo beneficiaries: another Nivo user (by phone) a wallet owner pays, stored in ``nivo_beneficiaries``.

``add_verified`` serves ``POST /api/v1/wallet/beneficiaries`` (its checks and User-Admin
verification); ``add_beneficiary`` is its write once the verification passed (the verification
marked used in the same write) and the write behind the ``nivo_beneficiaries`` fixture items.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from app.core.identity.models import User
from app.platforms.nivo import schemas as s
from app.platforms.nivo import verifications as ver
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.identity import PHONE_RE
from app.platforms.nivo.store.beneficiaries import (
    beneficiaries_of_in,
    beneficiary_by_pair_in,
    delete_beneficiary_in,
    has_beneficiary_in,
    insert_beneficiary_in,
)
from app.platforms.nivo.store.wallets import payee_wallet_id_in
from app.platforms.nivo.wallets import normalize_uuid
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


async def add_verified(
    sandbox: Sandbox, owner_id: int, data: s.BeneficiaryRequest
) -> s.VerificationRequiredOut | sqlite3.Row:
    """``POST /beneficiaries``: the checks, then the verification started (its answer) or, with its
    token, the beneficiary added (its row; the verification marked used in the same write)."""
    phone = data.phone.strip()
    nickname = " ".join(data.nickname.split())
    if not PHONE_RE.match(phone):
        raise NivoError("VALIDATION_ERROR", "Invalid phone format: must be +91XXXXXXXXXX")
    if not 1 <= len(nickname) <= 100:
        raise NivoError("VALIDATION_ERROR", "nickname must be 1-100 characters long")
    target = await sandbox.identity.by_phone(phone)
    if target is None or target.status == "deleted":
        raise NivoError("NOT_FOUND", "No Nivo user is registered with this phone number")
    if target.id == owner_id:
        raise NivoError("BAD_REQUEST", "You cannot add yourself as a beneficiary")
    if await sandbox.db.read(lambda conn: has_beneficiary_in(conn, owner_id, target.id)):
        raise NivoError("CONFLICT", "Beneficiary already exists")
    params = {"phone": phone, "nickname": nickname}
    if not data.verification_token:
        return await ver.start(sandbox, owner_id, ver.BENEFICIARY_ADD, params)
    grant = await ver.check_token(sandbox, owner_id, ver.BENEFICIARY_ADD, params, data.verification_token)
    row = await add_beneficiary(
        sandbox, owner_id, target, nickname, phone, also=lambda conn, now: ver.mark_used_in(conn, grant, now)
    )
    await ver.retire_core_token(sandbox, grant)
    return row


async def beneficiaries_of(sandbox: Sandbox, owner_id: int) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = await sandbox.db.read(lambda conn: beneficiaries_of_in(conn, owner_id))
    return rows


async def delete_beneficiary(sandbox: Sandbox, owner_id: int, beneficiary_id: str) -> None:
    """NOT_FOUND unless the owner had this beneficiary."""
    key = normalize_uuid(beneficiary_id) or beneficiary_id
    deleted = await sandbox.db.write(lambda conn: delete_beneficiary_in(conn, key, owner_id))
    if deleted != 1:
        raise NivoError("NOT_FOUND", "Beneficiary not found")
