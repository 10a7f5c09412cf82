"""msgspec Structs of what Cashier's server sends: the envelopes and the ``data`` of every push.

The request side is ``schemas`` (one Struct per request type, the ones ``dispatch`` converts each
frame's ``data`` into). These describe the other direction for the AsyncAPI document
(``app/asyncapi.py``): the ``connected`` greeting, the ``success`` / ``error`` / ``pong`` replies
and the seven pushes with the fields the settlement code publishes (amounts are JSON numbers in
major units, times unix seconds). ``tests/contract/cashier/test_asyncapi.py`` checks real frames
against them field by field, so they cannot drift from what the handlers send.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

RequestId = str | int | float | None  # the client's optional ``id``, echoed on its reply


class Frame(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the messages the server sends."""


# -- replies -----------------------------------------------------------------------------------
class ConnectedData(Frame):
    user_id: str  # Cashier's numeric user id, as a string
    timestamp: int


class Connected(Frame):
    type: Literal["connected"]
    data: ConnectedData
    timestamp: int


class SuccessData(Frame):
    message: str  # the documented phrase of the request type ("accounts retrieved", ...)
    data: Any  # that request type's payload


class Success(Frame):
    type: Literal["success"]
    data: SuccessData
    timestamp: int
    id: RequestId = None


class ErrorData(Frame):
    message: str  # one of the documented error messages ("insufficient balance: ...", "account not found")


class Error(Frame):
    type: Literal["error"]
    data: ErrorData
    timestamp: int
    id: RequestId = None


class Pong(Frame):
    type: Literal["pong"]
    data: dict[str, Any]
    timestamp: int
    id: RequestId = None


# -- pushes ------------------------------------------------------------------------------------
class DepositCompleted(Frame):
    transaction_ref: str
    receipt_code: str
    journal_id: int
    amount: float
    currency: str
    user_balance: float
    fee_amount: float
    payment_method: str | None
    completed_at: int
    timestamp: int


class DepositFailed(Frame):
    transaction_ref: str
    amount: float
    currency: str
    error_message: str | None
    failed_at: int
    timestamp: int


class WithdrawalCompleted(Frame):
    request_ref: str
    receipt_code: str
    balance_after: float | None = None  # a direct withdrawal
    agent_id: str | None = None  # an agent-assisted one: the agent, its fee and commission
    agent_name: str | None = None
    fee_amount: float | None = None
    agent_commission: float | None = None


class WithdrawalFailed(Frame):
    request_ref: str
    error: str | None


class TransferCompleted(Frame):
    receipt_code: str
    transaction_id: int
    amount: float
    currency: str
    from_account: str
    to_account: str
    fee: float
    timestamp: int


class TransactionCompleted(Frame):
    receipt_code: str
    transaction_id: int
    transaction_type: str  # deposit, withdrawal, transfer, conversion, reversal
    amount: float
    currency: str
    balance_after: float
    fee: float
    timestamp: int


class TransactionFailed(Frame):
    receipt_code: str | None  # null when nothing was posted
    transaction_id: int | None
    transaction_type: str
    amount: float
    currency: str
    error: str | None
    timestamp: int
    transaction_ref: str | None = None  # the request's reference (an extension: nothing posted to name)


REPLIES: dict[str, type[Frame]] = {"connected": Connected, "success": Success, "error": Error, "pong": Pong}
PUSHES: dict[str, type[Frame]] = {
    "deposit_completed": DepositCompleted,
    "deposit_failed": DepositFailed,
    "withdrawal_completed": WithdrawalCompleted,
    "withdrawal_failed": WithdrawalFailed,
    "transfer_completed": TransferCompleted,
    "transaction_completed": TransactionCompleted,
    "transaction_failed": TransactionFailed,
}
