"""Core objects -> T-Wallet's field names, ids and JSON-number amounts."""

from __future__ import annotations

import sqlite3

from app.core.clock import iso
from app.core.identity.models import User, profile_id_for, twallet_account_id_for
from app.core.ledger.models import Account
from app.core.money import exponent, to_float
from app.platforms.twallet import schemas as s

# ?type= of GET /profile/payment_transaction
TYPE_SENT = 1
TYPE_RECEIVED = 2
TYPE_ALL = 3
TRANSACTION_TYPES = {TYPE_SENT: "sent", TYPE_RECEIVED: "received", TYPE_ALL: "all"}


def accepted() -> s.CodeMsg:
    """``{"code": 200, "msg": []}``: the answer of an accepted write."""
    return s.CodeMsg(code=200, msg=[])


def underfunded() -> s.CodeMsg:
    """``{"code": 601, "msg": ["op_underfunded"]}`` (HTTP 200): a send the available balance does not cover."""
    return s.CodeMsg(code=601, msg=["op_underfunded"])


def phone_digits(phone: str | None) -> str | None:
    return None if phone is None else phone.lstrip("+")


def profile(user: User) -> s.Profile:
    return s.Profile(
        profile_id=user.profile_id,
        account_id=user.twallet_account_id,
        first_name=user.first_name,
        last_name=user.last_name,
        phone=phone_digits(user.phone),
        email=user.email,
        status=user.status,
        created_at=iso(user.created_at),
    )


def account_view(user: User, wallets: list[Account]) -> s.AccountView:
    ordered = sorted(wallets, key=lambda a: a.currency)
    return s.AccountView(
        account_id=user.twallet_account_id,
        profile_id=user.profile_id,
        meta_data=s.AccountMeta(
            assets=[s.Asset(asset_key=a.currency, name=a.currency, decimals=exponent(a.currency)) for a in ordered]
        ),
        balances={
            a.currency: s.AssetBalance(
                balance=to_float(a.balance, a.currency),
                available=to_float(a.available, a.currency),
                pending=to_float(a.pending_debit, a.currency),
            )
            for a in ordered
        },
    )


def found_contact(user: User) -> s.FoundContact:
    return s.FoundContact(profile_id=user.profile_id, first_name=user.first_name, last_name=user.last_name)


def payment_transaction(
    row: sqlite3.Row, viewer_id: int, recipient_uuid: str, sender_uuid: str
) -> s.PaymentTransaction:
    sent = int(row["sender_user_id"]) == viewer_id
    currency = row["asset_key"]
    return s.PaymentTransaction(
        id=int(row["id"]),
        type=TYPE_SENT if sent else TYPE_RECEIVED,
        direction="outgoing" if sent else "incoming",
        status=row["status"],
        from_account_id=row["from_account_id"],
        from_profile_id=profile_id_for(sender_uuid),
        to_account_id=twallet_account_id_for(int(row["recipient_user_id"])),
        to_profile_id=profile_id_for(recipient_uuid),
        asset_key=currency,
        amount=to_float(int(row["amount"]), currency),
        fee=to_float(int(row["fee"]), currency) if sent else 0.0,
        meta_data=s.TransactionMeta(notes=row["notes"]),
        failure_reason=row["failure_reason"],
        created_at=iso(float(row["created_at"])),
        completed_at=iso(float(row["completed_at"])) if row["completed_at"] is not None else None,
    )


def saved_contact(row: sqlite3.Row) -> s.SavedContact:
    return s.SavedContact(
        profile_id=row["profile_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        created_at=iso(float(row["created_at"])),
    )
