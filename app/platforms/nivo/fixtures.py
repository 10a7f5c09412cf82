"""Fixture items of Nivo: ``nivo_beneficiaries`` and ``nivo_upi_deposits`` (in a chosen state).

A beneficiary is added as ``POST /wallet/beneficiaries`` adds it once verified (the fixture is the
control API: no OTP step). A UPI deposit starts as ``POST /wallets/{id}/deposit/upi`` starts it, on
the user's INR Nivo wallet (created and activated when missing, as money on demand does), held
``pending`` by the operations simulator; ``completed`` or ``failed`` then settle it the way
``/_sandbox/operations/{ref}/complete|fail`` does, so the wallet is credited by the same posting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from app.core import fixture_kinds
from app.core.errors import DomainError, ValidationFailed
from app.core.fixture_kinds import Built, Declared, FixtureKind, Issue, Ref
from app.platforms.nivo import render
from app.platforms.nivo.beneficiaries import add_beneficiary, find_beneficiary
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.identity import PHONE_RE
from app.platforms.nivo.provisioning import open_active_wallet
from app.platforms.nivo.store.upi import upi_deposit_in
from app.platforms.nivo.upi import MAX_UPI_AMOUNT_MAJOR, start_upi_deposit
from simulators.operations import held_pending

if TYPE_CHECKING:
    from app.runtime import Sandbox

UPI_MAX_MINOR = MAX_UPI_AMOUNT_MAJOR * 100


class Beneficiary(msgspec.Struct, forbid_unknown_fields=True):
    owner: str  # "@user" who pays
    beneficiary: str  # "@user" paid (needs a +91XXXXXXXXXX phone, as Nivo finds beneficiaries by phone)
    nickname: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class UpiDeposit(msgspec.Struct, forbid_unknown_fields=True):
    user: str  # "@user"; the deposit goes to their INR Nivo wallet
    amount: Annotated[int, msgspec.Meta(gt=0, le=UPI_MAX_MINOR)]  # INR minor units (paise)
    upi_id: Annotated[str, msgspec.Meta(min_length=3, max_length=255)] = "payer@okaxis"
    state: Literal["pending", "completed", "failed"] = "pending"


async def _phone_of(doc: Declared, ref: str) -> str | None:
    _, item = doc.declared(ref)
    if item.phone is not None:
        phone: str = item.phone
        return phone
    existing = await doc.sandbox.identity.by_email(item.email)
    return existing.phone if existing is not None else None


async def _check_beneficiary(item: Beneficiary, doc: Declared) -> list[Issue]:
    if doc.user_name(item.owner).lower() == doc.user_name(item.beneficiary).lower():
        return [("beneficiary", "cannot add a user as their own beneficiary")]
    phone = await _phone_of(doc, item.beneficiary)
    if phone is None or not PHONE_RE.match(phone):
        return [("beneficiary", f"{item.beneficiary} needs a Nivo phone (+91XXXXXXXXXX), has {phone!r}")]
    return []


def _domain(exc: NivoError) -> DomainError:
    return ValidationFailed(f"Nivo refused: {exc.message}", code=exc.code.lower())


async def _apply_beneficiary(name: str, item: Beneficiary, built: Built) -> dict[str, Any]:
    owner, target = await built.user(item.owner), await built.user(item.beneficiary)
    row = await find_beneficiary(built.sandbox, owner.id, target.id)
    if row is None:
        try:
            row = await add_beneficiary(built.sandbox, owner.id, target, item.nickname, target.phone or "")
        except NivoError as exc:
            raise _domain(exc) from None
    return {"nivo": {"id": row["id"], "nickname": row["nickname"], "phone": row["phone"]}}


async def _check_upi(item: UpiDeposit, doc: Declared) -> list[Issue]:
    try:
        doc.sandbox.simulators.upi.normalise(item.upi_id)
    except DomainError as exc:
        return [("upi_id", exc.message)]
    return []


async def _apply_upi(name: str, item: UpiDeposit, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    user = await built.user(item.user)
    wallet = await open_active_wallet(sandbox, user.id, "INR")
    upi_id = sandbox.simulators.upi.normalise(item.upi_id)
    with held_pending(f"fixture {name}: UPI collect request pending until settled"):
        row, _ = await start_upi_deposit(sandbox, wallet, item.amount, upi_id)
    if item.state != "pending":
        await sandbox.simulators.operations.settle(
            row["id"], item.state, "UPI payment declined by the payer's bank" if item.state == "failed" else None
        )
    deposit_id = row["id"]
    fresh = await sandbox.db.read(lambda conn: upi_deposit_in(conn, deposit_id))
    out = render.upi_deposit(fresh)
    return {"nivo": {"deposit_id": out.deposit_id, "wallet_id": out.wallet_id, "status": out.status}}


def install(sandbox: Sandbox) -> None:
    fixture_kinds.register(
        sandbox,
        FixtureKind(
            section="nivo_beneficiaries",
            platform="nivo",
            order=20,
            summary="a Nivo beneficiary: owner can pay beneficiary (who has a +91 phone) by nickname",
            item=Beneficiary,
            apply=_apply_beneficiary,
            refs=(Ref("owner", ("users",)), Ref("beneficiary", ("users",))),
            check=_check_beneficiary,
        ),
        FixtureKind(
            section="nivo_upi_deposits",
            platform="nivo",
            order=40,
            summary="a UPI deposit to the user's INR Nivo wallet, state pending (the collect request waits), "
            "completed or failed",
            item=UpiDeposit,
            apply=_apply_upi,
            refs=(Ref("user", ("users",)),),
            check=_check_upi,
        ),
    )
