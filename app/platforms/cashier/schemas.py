"""msgspec Structs for the ``data`` of every Cashier request type (documented field names).

Unknown fields are ignored. Amounts accept a JSON number or a decimal string and are parsed
into minor units by ``app.core.money.parse_amount``. Codes accept a string or a number.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Amount = int | float | str
UserRef = str | int
NonNegative = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]  # paging offset; bounded for SQLite
PageSize = Annotated[int, msgspec.Meta(ge=1, le=500)]


class CashierRequest(msgspec.Struct, kw_only=True):
    """Base of every request's ``data``."""


class Empty(CashierRequest):
    pass


class VerificationRequest(CashierRequest):
    method: str
    purpose: str = "withdrawal"


class VerifyCode(CashierRequest):
    code: str | int
    purpose: str = "withdrawal"


class GetPartners(CashierRequest):
    service: str | None = None
    currency: str | None = None
    country: str | None = None


class AccountRef(CashierRequest):
    account_number: str


class DepositRequest(CashierRequest):
    amount: Amount
    currency: str
    service: str | None = None
    partner_id: str | None = None
    payment_method: str | None = None


class RequestRef(CashierRequest):
    request_ref: str


class WithdrawRequest(CashierRequest):
    amount: Amount
    currency: str
    destination: str
    service: str | None = None
    agent_id: str | None = None
    verification_token: str | None = None


class Transfer(CashierRequest):
    to_user_id: UserRef
    amount: Amount
    currency: str
    description: str = ""
    idempotency_key: str | None = None


class ConvertAndTransfer(CashierRequest):
    from_currency: str
    to_currency: str
    amount: Amount
    description: str = ""
    to_user_id: UserRef | None = None
    idempotency_key: str | None = None


class History(CashierRequest):
    type: str = "all"
    limit: PageSize = 20
    offset: NonNegative = 0


class Receipt(CashierRequest):
    receipt_code: str


class AccountStatement(CashierRequest):
    account_number: str
    start: str | None = msgspec.field(default=None, name="from")
    end: str | None = msgspec.field(default=None, name="to")


class OwnerStatement(CashierRequest):
    start: str | None = msgspec.field(default=None, name="from")
    end: str | None = msgspec.field(default=None, name="to")


class Ledgers(CashierRequest):
    account_number: str
    start: str | None = msgspec.field(default=None, name="from")
    end: str | None = msgspec.field(default=None, name="to")
    limit: PageSize = 50
    offset: NonNegative = 0


class CalculateFee(CashierRequest):
    transaction_type: str
    amount: Amount
    source_currency: str
    target_currency: str | None = None
