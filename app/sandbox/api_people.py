"""/_sandbox inbox, tokens and users: read OTPs, mint tokens, set KYC, enable TOTP, list users."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.core.clock import iso
from app.core.errors import NotFound
from app.core.numbers import INT64_MAX
from app.registry import SandboxDep
from app.runtime import Sandbox
from app.sandbox.schemas import (
    AccountView,
    Inbox,
    InboxMessage,
    KycRequest,
    TokenMinted,
    TokenRequest,
    TotpEnabled,
    UserList,
    UserView,
)
from app.sandbox.services import find_user, identity


def _when(value: Any) -> str:
    if isinstance(value, int | float):
        return iso(float(value))
    return str(value or "")


def message_view(message: Any) -> InboxMessage:
    return InboxMessage(
        id=message.id,
        channel=message.channel,
        to=message.to,
        subject=message.subject,
        body=message.body,
        code=message.code,
        purpose=message.purpose,
        created_at=_when(message.created_at),
    )


def account_view(account: Any) -> AccountView:
    return AccountView(
        id=account.id,
        number=account.number,
        currency=account.currency,
        purpose=account.purpose,
        balance=account.balance,
        available=account.balance - account.pending_debit,
        pending_debit=account.pending_debit,
        pending_credit=account.pending_credit,
        is_active=account.is_active,
        is_locked=account.is_locked,
    )


async def accounts_of(sandbox: Sandbox, user_id: int) -> list[AccountView]:
    ledger = getattr(sandbox, "ledger", None)
    if ledger is None:
        return []
    return [account_view(a) for a in await ledger.accounts_of("user", user_id)]


async def user_view(sandbox: Sandbox, user: Any, *, with_accounts: bool = True) -> UserView:
    return UserView(
        id=user.id,
        uuid=user.uuid,
        email=user.email,
        phone=user.phone,
        first_name=user.first_name,
        last_name=user.last_name,
        status=user.status,
        kyc_status=user.kyc_status,
        kyc_tier=user.kyc_tier,
        roles=sorted(user.roles),
        totp_enabled=user.totp_enabled,
        created_at=_when(user.created_at),
        accounts=await accounts_of(sandbox, user.id) if with_accounts else [],
    )


async def users_page(
    sandbox: Sandbox, limit: int = 50, query: str | None = None, before: int | None = None, after: int | None = None
) -> UserList:
    """One page of users, newest first, with accounts (``GET /_sandbox/users`` and the console)."""
    page = await identity(sandbox).page_users(limit=limit, query=query or None, before=before, after=after)
    return UserList(
        [await user_view(sandbox, u) for u in page.users], next_before=page.next_before, prev_after=page.prev_after
    )


SEARCH_HELP = "part of the email, first or last name, full name or phone; or exactly the numeric id or uuid"
BEFORE_HELP = "only users with a smaller id (the next page: the answer's next_before)"
AFTER_HELP = "only users with a larger id, the nearest first (the previous page: the answer's prev_after)"

To = Annotated[str | None, QueryParameter(description="email or phone the message was sent to")]
Purpose = Annotated[str | None, QueryParameter(description="OTP purpose, e.g. login, transfer, reset_password")]


class InboxController(Controller):
    path = "/inbox"
    tags = ["sandbox: inbox"]

    @get("/", summary="Every OTP / notification the sandbox sent by email, SMS or WhatsApp, newest first")
    async def list_inbox(
        self,
        sandbox: SandboxDep,
        to: To = None,
        purpose: Purpose = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 50,
    ) -> Inbox:
        messages = await identity(sandbox).inbox(to=to or None, purpose=purpose or None, limit=limit)
        return Inbox([message_view(m) for m in messages])

    @get("/latest", summary="The newest message (with its code) for a recipient and purpose")
    async def latest_message(self, sandbox: SandboxDep, to: To = None, purpose: Purpose = None) -> InboxMessage:
        messages = await identity(sandbox).inbox(to=to or None, purpose=purpose or None, limit=1)
        if not messages:
            wanted = ", ".join(f"{k}={v}" for k, v in (("to", to), ("purpose", purpose)) if v) or "any recipient"
            raise NotFound(f"No message in the inbox for {wanted}", code="message_not_found")
        return message_view(messages[0])


@post("/tokens", status_code=HTTP_201_CREATED, tags=["sandbox: users"], summary="Mint an access token for a user")
async def mint_token(sandbox: SandboxDep, data: TokenRequest) -> TokenMinted:
    user = await find_user(sandbox, data.email)
    pair = await identity(sandbox).mint_token(user.email, data.expires_in)
    return TokenMinted(
        access_token=pair.access_token,
        token_type="Bearer",
        expires_in=data.expires_in,
        expires_at=iso(pair.expires_at),
        jti=pair.jti,
        user_id=user.id,
        user_uuid=user.uuid,
        email=user.email,
    )


class UserController(Controller):
    path = "/users"
    tags = ["sandbox: users"]

    @get("/", summary="Users (newest first, searched, in keyset pages) with their ledger accounts and balances")
    async def list_users(
        self,
        sandbox: SandboxDep,
        q: Annotated[str | None, QueryParameter(description=SEARCH_HELP, max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        before: Annotated[int | None, QueryParameter(ge=1, le=INT64_MAX, description=BEFORE_HELP)] = None,
        after: Annotated[
            # schema_extra: Litestar leaves a falsy bound (ge=0) of an optional parameter out of the schema.
            int | None, QueryParameter(ge=0, le=INT64_MAX, description=AFTER_HELP, schema_extra={"minimum": 0})
        ] = None,
    ) -> UserList:
        return await users_page(sandbox, limit, q, before, after)

    @get("/{user_ref:str}", summary="One user (email, numeric id or uuid) with accounts and balances")
    async def read_user(self, sandbox: SandboxDep, user_ref: str) -> UserView:
        return await user_view(sandbox, await find_user(sandbox, user_ref))

    @post("/{user_ref:str}/kyc", status_code=HTTP_200_OK, summary="Set a user's KYC status and tier")
    async def set_kyc(self, sandbox: SandboxDep, user_ref: str, data: KycRequest) -> UserView:
        user = await find_user(sandbox, user_ref)
        updated = await identity(sandbox).set_kyc(user.id, data.status, data.tier)
        return await user_view(sandbox, updated)

    @post("/{user_ref:str}/totp", status_code=HTTP_200_OK, summary="Enable TOTP 2FA; returns secret and otpauth URI")
    async def enable_totp(self, sandbox: SandboxDep, user_ref: str) -> TotpEnabled:
        user = await find_user(sandbox, user_ref)
        secret, uri = await identity(sandbox).enable_totp(user.id)
        return TotpEnabled(email=user.email, secret=secret, otpauth_uri=uri)
