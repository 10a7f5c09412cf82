"""/api/auth: register, login, logout, refresh, me."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar import Request, get, post

from app.core.clock import SandboxClock
from app.core.errors import Conflict, Forbidden, NotFound, Unauthorized
from app.core.events import Event
from app.lean_response import Response
from app.platforms.drop import render
from app.platforms.drop.auth import (
    clear_session_cookie,
    current_principal,
    current_user,
    end_sessions,
    set_session_cookie,
    start_session,
)
from app.platforms.drop.errors import DropError, bad_request, conflict, documented, unauthorized
from app.platforms.drop.limits import (
    AUTH_LIMIT,
    check_login_lockout,
    clear_login_failures,
    enforce,
    record_login_failure,
)
from app.platforms.drop.parsing import EMAIL, PHONE, Fields, json_object
from app.platforms.drop.respond import banks_of, ok
from app.platforms.drop.schemas import (
    Data,
    DropBankAccount,
    DropMe,
    DropMessage,
    DropRegisteredUser,
    DropSession,
    DropUser,
)
from app.registry import SandboxDep

TAGS = ["Drop: auth"]
MIN_AGE = 18


def _birth_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class _Registration:
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None
    born: date


def _registration(body: dict[str, Any], clock: SandboxClock) -> _Registration:
    """The fields of a registration body; 400/422 listing every field that fails Drop's rules."""
    fields = Fields(body)
    email = fields.string("email")
    if email is not None and (len(email) > 254 or not EMAIL.match(email)):
        fields.fail("email", "Invalid email format")
    password = body.get("password")
    if not isinstance(password, str) or not password:
        fields.fail("password", "password is required")
    elif len(password) < 8 or not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        fields.fail("password", "Password must be at least 8 characters and contain letters and digits")
    first_name = fields.name("firstName")
    last_name = fields.name("lastName")
    phone = fields.string("phone", required=False)
    if phone is not None and not PHONE.match(phone):
        fields.fail("phone", "Phone must be in international format +XXXXXXXXXXXX (8-15 digits)")
    dob_text = fields.string("dateOfBirth")
    born = _birth_date(dob_text) if dob_text is not None else None
    if dob_text is not None:
        today = clock.now().date()
        if born is None:
            fields.fail("dateOfBirth", "dateOfBirth must be an ISO date (YYYY-MM-DD)")
        elif born > today or born.year < 1900:
            fields.fail("dateOfBirth", "dateOfBirth is not a valid birth date")
        elif _age_on(born, today) < MIN_AGE:
            fields.fail("dateOfBirth", "You must be at least 18 years old")
    fields.raise_if_failed()
    assert email and isinstance(password, str) and first_name and last_name and born
    return _Registration(email, password, first_name, last_name, phone, born)


@post(
    "/api/auth/register",
    status_code=201,
    tags=TAGS,
    summary="Create a new user account",
    responses=documented(400, 409, 422, 429),
)
async def register(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropRegisteredUser]]:
    await enforce(request, sandbox, "auth", AUTH_LIMIT)
    form = _registration(await json_object(request), sandbox.clock)
    try:
        user = await sandbox.identity.register(
            form.email,
            form.password,
            first_name=form.first_name,
            last_name=form.last_name,
            phone=form.phone,
            date_of_birth=form.born.isoformat(),
        )
    except Conflict as exc:
        raise conflict(
            "Phone already registered" if exc.code == "phone_taken" else "Email already registered"
        ) from None
    await banks_of(sandbox).link_account(user.id)
    token = await start_session(sandbox, user)
    data = DropRegisteredUser(
        id=user.drop_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        date_of_birth=user.date_of_birth,
        kyc_status=user.kyc_status,
        created_at=render.iso(user.created_at),
    )
    await sandbox.events.publish(Event("user.created", {"id": user.drop_id, "email": user.email}, user.id, "drop"))
    response = ok(request, Data(data), 201)
    set_session_cookie(response, token)
    return response


@post(
    "/api/auth/login",
    status_code=200,
    tags=TAGS,
    summary="Authenticate with email and password",
    responses=documented(400, 401, 429),
)
async def login(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropUser]]:
    await enforce(request, sandbox, "auth", AUTH_LIMIT)
    body = await json_object(request)
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip() or not isinstance(password, str) or not password:
        raise bad_request("Missing email or password")
    await check_login_lockout(request, sandbox, email)
    try:
        user = await sandbox.identity.authenticate(email.strip(), password)
    except (Unauthorized, NotFound):
        await record_login_failure(request, sandbox, email)
        raise unauthorized("Invalid credentials") from None
    except Forbidden as exc:
        if exc.code == "account_deleted":
            await record_login_failure(request, sandbox, email)
            raise unauthorized("Invalid credentials") from None
        raise DropError(403, exc.code, exc.message) from None
    clear_login_failures(request, sandbox, email)
    await banks_of(sandbox).ensure_primary(user.id)
    token = await start_session(sandbox, user)
    data = DropUser(user.drop_id, user.email, user.first_name, user.last_name, user.kyc_status)
    response = ok(request, Data(data))
    set_session_cookie(response, token)
    return response


@post("/api/auth/logout", status_code=200, tags=TAGS, summary="Logout and revoke all sessions")
async def logout(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropMessage]:
    await end_sessions(sandbox, await current_principal(request, sandbox))
    response = ok(request, DropMessage("Logged out"))
    clear_session_cookie(response)
    return response


@post("/api/auth/refresh", status_code=200, tags=TAGS, summary="Issue a new JWT (new session record)")
async def refresh(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropSession]]:
    user = await current_user(request, sandbox)
    token = await start_session(sandbox, user)
    response = ok(request, Data(DropSession(user.drop_id, user.email, user.role)))
    set_session_cookie(response, token)
    return response


@get("/api/auth/me", tags=TAGS, summary="Current user with bank accounts (AISP-refreshed balances)")
async def me(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropMe]]:
    user = await current_user(request, sandbox)
    accounts = await banks_of(sandbox).read_balances(user.id)
    bank_accounts = [
        DropBankAccount(
            id=a.public_id,
            bank_name=a.bank_name,
            account_number=a.account_number,
            balance=render.amount(a.balance, a.currency),
            currency=a.currency,
            is_primary=a.is_primary,
        )
        for a in accounts
    ]
    total = sum(a.balance for a in accounts if a.currency == "NOK")
    data = DropMe(
        id=user.drop_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        total_balance=render.amount(total, "NOK"),
        bank_accounts=bank_accounts,
        kyc_status=user.kyc_status,
        created_at=render.iso(user.created_at),
    )
    return ok(request, Data(data))


ROUTES = [register, login, logout, refresh, me]
