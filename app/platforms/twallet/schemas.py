"""msgspec Structs copying T-Wallet's documented shapes (snake_case, as in the guide)."""

from __future__ import annotations

import msgspec


class TWalletStruct(msgspec.Struct, kw_only=True):
    """Base struct of every T-Wallet body."""


# -- responses -------------------------------------------------------------------------------
class CodeMsg(TWalletStruct):
    """``{"code": 200, "msg": []}`` (accepted) or ``{"code": 601, "msg": ["op_underfunded"]}``."""

    code: int
    msg: list[str]


class Profile(TWalletStruct):
    profile_id: str
    account_id: str
    first_name: str
    last_name: str
    phone: str | None
    email: str
    status: str
    created_at: str


class Asset(TWalletStruct):
    asset_key: str
    name: str
    decimals: int


class AccountMeta(TWalletStruct):
    assets: list[Asset]


class AssetBalance(TWalletStruct):
    balance: float
    available: float
    pending: float


class AccountView(TWalletStruct):
    account_id: str
    profile_id: str
    meta_data: AccountMeta
    balances: dict[str, AssetBalance]


class FoundContact(TWalletStruct):
    profile_id: str
    first_name: str
    last_name: str


class TransactionMeta(TWalletStruct):
    notes: str | None = None


class PaymentTransaction(TWalletStruct):
    id: int
    type: int
    direction: str
    status: str
    from_account_id: str
    from_profile_id: str
    to_account_id: str
    to_profile_id: str
    asset_key: str
    amount: float
    fee: float
    meta_data: TransactionMeta
    failure_reason: str | None
    created_at: str
    completed_at: str | None


class PaymentTransactionPage(TWalletStruct):
    data: list[PaymentTransaction]
    page: int
    limit: int
    total: int


class SavedContact(TWalletStruct):
    profile_id: str
    first_name: str
    last_name: str
    created_at: str


class ContactList(TWalletStruct):
    data: dict[str, SavedContact]


# -- requests --------------------------------------------------------------------------------
class SendMeta(TWalletStruct):
    notes: str | None = None


class SendToProfileRequest(TWalletStruct):
    from_account_id: str | int
    to_profile_id: str
    asset_key: str
    amount: int | float | str
    meta_data: SendMeta | None = None


class ContactRequest(TWalletStruct):
    profile_id: str
    first_name: str = ""
    last_name: str = ""
