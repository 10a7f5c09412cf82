"""Nivo wallets: a Nivo id and status (pending/active/frozen) over the user's ledger wallet account.

One Nivo wallet per (user, currency): the ledger keeps one user wallet account per currency, so a
second Nivo wallet in the same currency would share its balance. A wallet created in a currency
the user already holds through another platform maps onto that existing account (its balance shows)
and still starts ``pending`` in Nivo until activated.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from app.core.money import exponent, normalize_currency
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.store.wallets import (
    insert_wallet_in,
    move_wallet_status_in,
    wallet_id_in_currency_in,
    wallet_row_in,
    wallet_rows_in,
    wallet_rows_of_user_in,
)
from app.runtime import Sandbox
from app.wording import article_for_code

# Default outgoing limits per wallet (transfers + withdrawals), in major units of its currency.
DEFAULT_DAILY_LIMIT_MAJOR = 200_000
DEFAULT_MONTHLY_LIMIT_MAJOR = 1_000_000


@dataclass(frozen=True)
class NivoWallet:
    id: str
    user_id: int
    account_id: int
    currency: str
    status: str
    daily_limit: int
    monthly_limit: int
    created_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> NivoWallet:
        return cls(
            id=row["id"],
            user_id=int(row["user_id"]),
            account_id=int(row["account_id"]),
            currency=row["currency"],
            status=row["status"],
            daily_limit=int(row["daily_limit"]),
            monthly_limit=int(row["monthly_limit"]),
            created_at=float(row["created_at"]),
        )

    def as_row(self) -> dict[str, Any]:
        return {"id": self.id, "currency": self.currency, "status": self.status, "created_at": self.created_at}


def normalize_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def get_wallet_in(conn: sqlite3.Connection, wallet_id: str) -> NivoWallet | None:
    row = wallet_row_in(conn, wallet_id)
    return NivoWallet.from_row(row) if row else None


def get_wallets_in(conn: sqlite3.Connection, *wallet_ids: str | None) -> list[NivoWallet | None]:
    """Several wallets by id in one statement, in the order asked (None for an unknown or absent id)."""
    wanted = [w for w in wallet_ids if w is not None]
    found: dict[str, NivoWallet] = {}
    if wanted:
        for row in wallet_rows_in(conn, wanted):
            found[row["id"]] = NivoWallet.from_row(row)
    return [found.get(w) if w is not None else None for w in wallet_ids]


async def find_wallet(sandbox: Sandbox, wallet_id: str) -> NivoWallet | None:
    key = normalize_uuid(wallet_id)
    if key is None:
        return None
    return sandbox.db.peek(lambda conn: get_wallet_in(conn, key))  # by primary key: inline


def ensure_owned(found: NivoWallet | None, user_id: int, *, label: str = "Wallet") -> NivoWallet:
    """NOT_FOUND when unknown, FORBIDDEN when the wallet belongs to someone else."""
    if found is None:
        raise NivoError("NOT_FOUND", f"{label} not found")
    if found.user_id != user_id:
        raise NivoError("FORBIDDEN", f"{label} does not belong to the authenticated user")
    return found


async def wallet_of(sandbox: Sandbox, wallet_id: str, user_id: int, *, label: str = "Wallet") -> NivoWallet:
    """The caller's wallet; NOT_FOUND when unknown, FORBIDDEN when it belongs to someone else."""
    return ensure_owned(await find_wallet(sandbox, wallet_id), user_id, label=label)


def require_active(w: NivoWallet, *, label: str = "Wallet") -> None:
    """Only active wallets move money."""
    if w.status == "frozen":
        raise NivoError("ACCOUNT_FROZEN", f"{label} is frozen")
    if w.status != "active":
        raise NivoError("BAD_REQUEST", f"{label} is not active (status: {w.status}); activate it first")


async def wallets_of(sandbox: Sandbox, user_id: int) -> list[NivoWallet]:
    rows = await sandbox.db.read(lambda conn: wallet_rows_of_user_in(conn, user_id))
    return [NivoWallet.from_row(r) for r in rows]


def _already_exists(code: str) -> str:
    """The conflict message: "An INR wallet already exists for this user", "A USD wallet ..."."""
    return f"{article_for_code(code).capitalize()} {code} wallet already exists for this user"


async def create_wallet(sandbox: Sandbox, user_id: int, currency: Any) -> NivoWallet:
    code = normalize_currency(currency)
    existing = await sandbox.db.read(lambda conn: wallet_id_in_currency_in(conn, user_id, code))
    if existing is not None:
        raise NivoError("CONFLICT", _already_exists(code))
    account = await sandbox.ledger.open_account("user", user_id, code, purpose="ACCOUNT_PURPOSE_WALLET")
    scale = 10 ** exponent(code)
    now = sandbox.clock.time()
    wallet_id = str(uuid.uuid4())

    def run(conn: sqlite3.Connection) -> NivoWallet:
        try:
            insert_wallet_in(
                conn,
                wallet_id,
                user_id,
                account.id,
                code,
                DEFAULT_DAILY_LIMIT_MAJOR * scale,
                DEFAULT_MONTHLY_LIMIT_MAJOR * scale,
                now,
            )
        except sqlite3.IntegrityError:
            raise NivoError("CONFLICT", _already_exists(code)) from None
        found = get_wallet_in(conn, wallet_id)
        assert found is not None
        return found

    created: NivoWallet = await sandbox.db.write(run)
    return created


# Allowed status moves: action -> (from statuses, to status, refusal message).
_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "activate": (("pending",), "active"),
    "freeze": (("active",), "frozen"),
    "unfreeze": (("frozen",), "active"),
}


async def move_status(sandbox: Sandbox, w: NivoWallet, action: str) -> NivoWallet:
    allowed, target = _MOVES[action]

    def run(conn: sqlite3.Connection) -> NivoWallet:
        now = sandbox.clock.time()  # on the writer: updated_at follows commit order, as transactions' do
        moved = move_wallet_status_in(conn, w.id, allowed, target, now)
        current = get_wallet_in(conn, w.id)
        assert current is not None
        if moved != 1:
            raise NivoError("CONFLICT", f"Cannot {action} a wallet that is {current.status}")
        return current

    moved: NivoWallet = await sandbox.db.write(run)
    return moved
