"""msgspec Structs copying Nivo's documented request and response shapes.

Every response is ``{"success": true, "data": ...}``; each ``*Envelope`` below is one such
response so the OpenAPI schema names its model. Amounts of wallets and transactions are decimal
strings; the UPI, card and spending-summary examples use JSON numbers, so those do too.
"""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec

Amount = str | int | float
Number = int | float


class NivoStruct(msgspec.Struct, omit_defaults=True):
    """Base of every Nivo shape; optional fields left at their default are omitted."""


class ErrorBody(msgspec.Struct):
    code: str
    message: str


class ErrorEnvelope(msgspec.Struct):
    success: bool
    error: ErrorBody


# -- requests --------------------------------------------------------------------------------
class RegisterRequest(NivoStruct):
    email: str
    password: str
    full_name: str
    phone: str


class LoginRequest(NivoStruct):
    email: str
    password: str
    account_type: str | None = None


class PasswordChangeRequest(NivoStruct):
    current_password: str
    new_password: str
    verification_token: str | None = None


class VerifyOtpRequest(NivoStruct):
    otp: str


class CreateWalletRequest(NivoStruct):
    currency: str = "INR"


class DepositRequest(NivoStruct):
    wallet_id: str
    amount: Amount
    currency: str | None = None
    description: str = ""


class WithdrawalRequest(NivoStruct):
    wallet_id: str
    amount: Amount
    currency: str | None = None
    description: str = ""


class TransferRequest(NivoStruct):
    from_wallet_id: str
    to_wallet_id: str
    amount: Amount
    currency: str | None = None
    description: str = ""
    verification_token: str | None = None


class UpiDepositRequest(NivoStruct):
    amount: Amount
    upi_id: str


class CreateCardRequest(NivoStruct):
    card_holder_name: str | None = None


class CardLimitsRequest(NivoStruct):
    daily_limit: Amount | None = None
    monthly_limit: Amount | None = None


class CategoryRequest(NivoStruct):
    category: str


class BeneficiaryRequest(NivoStruct):
    phone: str
    nickname: str
    verification_token: str | None = None


# -- response data ---------------------------------------------------------------------------
class KycOut(NivoStruct):
    status: str


class UserOut(NivoStruct):
    id: str
    email: str
    phone: str | None
    full_name: str
    status: str
    created_at: str
    kyc: KycOut


class LoginUserOut(NivoStruct):
    id: str
    email: str
    status: str
    full_name: str


class LoginOut(NivoStruct):
    token: str
    expires_at: int
    user: LoginUserOut
    account_type: str


class WalletOut(NivoStruct):
    id: str
    user_id: str
    currency: str
    balance: str
    status: str
    created_at: str


class WalletStatusOut(NivoStruct):
    id: str
    status: str


class BalanceOut(NivoStruct):
    wallet_id: str
    balance: str
    available_balance: str
    currency: str


class TransactionOut(NivoStruct):
    id: str
    type: str
    amount: str
    currency: str
    status: str
    created_at: str
    from_wallet_id: str | None = None
    to_wallet_id: str | None = None
    description: str | None = None
    category: str | None = None


class VerificationRequiredOut(NivoStruct):
    verification_required: bool
    verification_id: str
    operation_type: str
    message: str
    expires_at: str
    code: str


class PendingVerificationOut(NivoStruct):
    id: str
    operation_type: str
    otp: str
    status: str
    expires_at: str
    created_at: str


class PendingVerificationsOut(NivoStruct):
    verifications: list[PendingVerificationOut]


class VerificationTokenOut(NivoStruct):
    token: str
    expires_at: str


class VerifiedOut(NivoStruct):
    verified: bool
    token: VerificationTokenOut


class MessageOut(NivoStruct):
    message: str


class BeneficiaryOut(NivoStruct):
    id: str
    nickname: str
    phone: str
    wallet_id: str | None
    created_at: str


class UpiDepositOut(NivoStruct):
    deposit_id: str
    wallet_id: str
    amount: Number
    currency: str
    upi_id: str
    status: str
    message: str
    created_at: str
    transaction_id: str | None = None
    failure_reason: str | None = None


class CardOut(NivoStruct):
    id: str
    wallet_id: str
    card_number_masked: str
    card_holder_name: str
    expiry_month: int
    expiry_year: int
    status: str
    daily_limit: Number
    monthly_limit: Number
    created_at: str


class CardDetailsOut(NivoStruct):
    card_number: str
    expiry_month: int
    expiry_year: int
    cvv: str


class CardCreatedOut(NivoStruct):
    card: CardOut
    details: CardDetailsOut
    message: str


class SpendingSummaryOut(NivoStruct):
    period: str
    total_spent: Number
    categories: dict[str, Number]
    wallet_id: str
    currency: str


class CategoryOut(NivoStruct):
    name: str
    label: str


class CategoriesOut(NivoStruct):
    categories: list[CategoryOut]


# -- envelopes -------------------------------------------------------------------------------
class UserEnvelope(msgspec.Struct):
    success: bool
    data: UserOut


class LoginEnvelope(msgspec.Struct):
    success: bool
    data: LoginOut


class WalletEnvelope(msgspec.Struct):
    success: bool
    data: WalletOut


class WalletListEnvelope(msgspec.Struct):
    success: bool
    data: list[WalletOut]


class WalletStatusEnvelope(msgspec.Struct):
    success: bool
    data: WalletStatusOut


class BalanceEnvelope(msgspec.Struct):
    success: bool
    data: BalanceOut


class TransactionEnvelope(msgspec.Struct):
    success: bool
    data: TransactionOut


class VerificationRequiredEnvelope(msgspec.Struct):
    success: bool
    data: VerificationRequiredOut


class PendingVerificationsEnvelope(msgspec.Struct):
    success: bool
    data: PendingVerificationsOut


class VerifiedEnvelope(msgspec.Struct):
    success: bool
    data: VerifiedOut


class MessageEnvelope(msgspec.Struct):
    success: bool
    data: MessageOut


class BeneficiaryEnvelope(msgspec.Struct):
    success: bool
    data: BeneficiaryOut


class BeneficiaryListEnvelope(msgspec.Struct):
    success: bool
    data: list[BeneficiaryOut]


class UpiDepositEnvelope(msgspec.Struct):
    success: bool
    data: UpiDepositOut


class CardEnvelope(msgspec.Struct):
    success: bool
    data: CardOut


class CardListEnvelope(msgspec.Struct):
    success: bool
    data: list[CardOut]


class CardCreatedEnvelope(msgspec.Struct):
    success: bool
    data: CardCreatedOut


class SpendingSummaryEnvelope(msgspec.Struct):
    success: bool
    data: SpendingSummaryOut


class CategoriesEnvelope(msgspec.Struct):
    success: bool
    data: CategoriesOut


# Routes that may first answer 202 with a User-Admin verification.
# (Error statuses are documented from app/platforms/nivo/errors.py: CATALOGUE.)
VERIFYING_RESPONSES: dict[int, ResponseSpec] = {
    202: ResponseSpec(
        data_container=VerificationRequiredEnvelope,
        generate_examples=False,
        description="VERIFICATION_REQUIRED: complete OTP verification via the User-Admin portal",
    ),
}
