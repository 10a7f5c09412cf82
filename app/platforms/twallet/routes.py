"""T-Wallet routes at the root: /profile/..., /contact. Parse, call the core, render."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter, QueryParameter

from app.core.errors import ValidationFailed
from app.core.identity.models import User
from app.core.money import parse_amount
from app.core.numbers import INT64_MAX, INT64_MIN
from app.platforms.twallet import contacts, render, sends
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import provide_user, require_token
from app.platforms.twallet.errors import TWalletError, record_not_found
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.wording import invalid_amount_message

WALLET = "ACCOUNT_PURPOSE_WALLET"
MAX_NOTES = 500
MAX_NAME = 100
_DIGITS = re.compile(r"^[0-9]{6,15}$")


def _accepted() -> s.CodeMsg:
    return s.CodeMsg(code=200, msg=[])


async def _wallet(sandbox: Sandbox, user: User, asset_key: str) -> int | None:
    for account in await sandbox.ledger.accounts_of("user", user.id, purpose=WALLET):
        if account.currency == asset_key:
            return account.id
    return None


class ProfileController(Controller):
    path = "/profile"
    guards = [require_token]
    dependencies = {"user": provide_user}
    tags = ["T-Wallet"]

    @get("/", operation_id="twalletGetProfile", opt={"twallet_op": "profile"})
    async def get_profile(self, user: User) -> s.Profile:
        return render.profile(user)

    @get(
        "/account/{account_number:str}",
        operation_id="twalletGetAccount",
        opt={"twallet_op": "account"},
    )
    async def get_account(self, sandbox: SandboxDep, user: User, account_number: str) -> s.AccountView:
        if account_number != user.twallet_account_id:
            raise record_not_found()
        wallets = await sandbox.ledger.accounts_of("user", user.id, purpose=WALLET)
        return render.account_view(user, wallets)

    @post(
        "/send-to-profile",
        operation_id="twalletSendToProfile",
        status_code=200,
        opt={"twallet_op": "send"},
    )
    async def send_to_profile(
        self, request: Request, sandbox: SandboxDep, user: User, data: s.SendToProfileRequest
    ) -> s.CodeMsg:
        if str(data.from_account_id) != user.twallet_account_id:
            raise record_not_found()
        asset_key = data.asset_key.strip().upper()
        sender_account = await _wallet(sandbox, user, asset_key) if asset_key else None
        if sender_account is None:
            raise record_not_found()
        recipient = await sandbox.identity.by_profile_id(data.to_profile_id)
        if recipient is None or recipient.status == "deleted":
            raise record_not_found()
        if recipient.id == user.id:
            raise TWalletError(400, "cannot send to your own profile")
        notes = data.meta_data.notes if data.meta_data else None
        if notes is not None and len(notes) > MAX_NOTES:
            raise TWalletError(400, f"meta_data.notes must be at most {MAX_NOTES} characters")
        try:
            amount = parse_amount(data.amount, asset_key)
        except ValidationFailed as exc:
            raise TWalletError(400, _amount_message(exc, asset_key)) from exc
        fee = (await sandbox.ledger.fees.quote("twallet", "transfer", asset_key, amount)).fee
        key = (request.headers.get("idempotency-key") or "").strip() or None
        if key is not None and len(key) > 255:
            raise TWalletError(400, "Idempotency-Key must be at most 255 characters")
        order = sends.SendOrder(
            sender=user,
            recipient=recipient,
            sender_ledger_account=sender_account,
            asset_key=asset_key,
            amount=amount,
            fee=fee,
            notes=notes,
            idempotency_key=key,
        )
        outcome = await sends.accept_send(sandbox, order)
        if not outcome.accepted:
            return s.CodeMsg(code=601, msg=["op_underfunded"])
        return _accepted()

    @get(
        "/payment_transaction",
        operation_id="twalletListPaymentTransactions",
        opt={"twallet_op": "transaction"},
    )
    async def list_payment_transactions(
        self,
        sandbox: SandboxDep,
        user: User,
        type_: Annotated[
            int, QueryParameter(name="type", ge=INT64_MIN, le=INT64_MAX, description="1 sent, 2 received, 3 all")
        ] = render.TYPE_ALL,
        page: Annotated[int, Parameter(ge=1, le=1_000_000)] = 1,  # bounded: keeps OFFSET inside SQLite's integers
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> s.PaymentTransactionPage:
        if type_ not in render.TRANSACTION_TYPES:
            raise TWalletError(400, "type must be 1 (sent), 2 (received) or 3 (all)")
        rows, total = await sends.list_transactions(sandbox, user.id, kind=type_, page=page, limit=limit)
        data = [render.payment_transaction(row, user.id, recipient, sender) for row, sender, recipient in rows]
        return s.PaymentTransactionPage(data=data, page=page, limit=limit, total=total)

    @post(
        "/contact",
        operation_id="twalletSaveContact",
        status_code=200,
        opt={"twallet_op": "contact"},
    )
    async def save_contact(self, sandbox: SandboxDep, user: User, data: s.ContactRequest) -> s.CodeMsg:
        contact = await sandbox.identity.by_profile_id(data.profile_id)
        if contact is None or contact.status == "deleted":
            raise record_not_found()
        if contact.id == user.id:
            raise TWalletError(400, "cannot save your own profile as a contact")
        first_name = data.first_name.strip() or contact.first_name
        last_name = data.last_name.strip() or contact.last_name
        if len(first_name) > MAX_NAME or len(last_name) > MAX_NAME:
            raise TWalletError(400, f"first_name and last_name must be at most {MAX_NAME} characters")
        await contacts.save_contact(sandbox, user, contact, first_name, last_name)
        return _accepted()

    @get("/contact", operation_id="twalletListContacts", opt={"twallet_op": "contact"})
    async def list_contacts(self, sandbox: SandboxDep, user: User) -> s.ContactList:
        rows = await contacts.list_contacts(sandbox, user)
        return s.ContactList(data={row["profile_id"]: render.saved_contact(row) for row in rows})

    @delete(
        "/contact/{profile_id:str}",
        operation_id="twalletDeleteContact",
        status_code=200,
        opt={"twallet_op": "contact"},
    )
    async def delete_contact(self, sandbox: SandboxDep, user: User, profile_id: str) -> s.CodeMsg:
        if not await contacts.delete_contact(sandbox, user, profile_id):
            raise record_not_found()
        return _accepted()


class ContactController(Controller):
    path = "/contact"
    guards = [require_token]
    dependencies = {"user": provide_user}
    tags = ["T-Wallet"]

    @get("/", operation_id="twalletFindContact", opt={"twallet_op": "find"})
    async def find_contact(self, sandbox: SandboxDep, user: User, find: str | None = None) -> s.FoundContact:
        phone = _phone_query(find)
        contact = await sandbox.identity.by_phone("+" + phone)
        if contact is None or contact.status == "deleted":
            raise TWalletError(404, "record not found")
        return render.found_contact(contact)


def _phone_query(find: str | None) -> str:
    value = (find or "").strip()
    if not value:
        raise TWalletError(400, "find is required: use find=phone:<digits>")
    field, sep, digits = value.partition(":")
    if not sep or field.lower() != "phone":
        raise TWalletError(400, "find must be phone:<digits>")
    digits = digits.strip()
    if digits.startswith("+"):
        raise TWalletError(400, "phone must contain digits only: remove the leading '+'")
    if digits.startswith("00"):
        raise TWalletError(400, "phone must not start with '00': give the country code and number as digits")
    if not _DIGITS.match(digits):
        raise TWalletError(400, "phone must contain 6 to 15 digits only")
    return digits


def _amount_message(exc: ValidationFailed, currency: str) -> str:
    """T-Wallet's words for ``parse_amount``'s refusals (its guide calls the amount a decimal value)."""
    if exc.code == "too_many_decimals":
        return f"amount has more decimals than {currency} allows"
    if exc.code == "amount_not_positive":
        return "amount must be greater than 0"
    if exc.details.get("reason") == "too_large":
        return invalid_amount_message(exc) or "amount is too large"
    return "amount must be a decimal number"


ROUTES = [ProfileController, ContactController]
