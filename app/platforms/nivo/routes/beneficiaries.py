"""Nivo beneficiaries at the gateway: /api/v1/wallet/beneficiaries... (Flow 6: adding one needs
User-Admin verification)."""

from __future__ import annotations

from litestar import delete, get, post

from app.lean_response import Response
from app.platforms.nivo import beneficiaries, render
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.registry import SandboxDep


@post(
    "/beneficiaries",
    status_code=201,
    summary="Add a beneficiary (User-Admin verification)",
    operation_id="nivoAddBeneficiary",
    responses=s.VERIFYING_RESPONSES,
)
async def add_beneficiary(
    data: s.BeneficiaryRequest, caller: NivoCaller, sandbox: SandboxDep
) -> Response[s.VerificationRequiredEnvelope | s.BeneficiaryEnvelope]:
    added = await beneficiaries.add_verified(sandbox, caller.user.id, data)
    if isinstance(added, s.VerificationRequiredOut):
        return Response(s.VerificationRequiredEnvelope(success=True, data=added), status_code=202)
    return Response(s.BeneficiaryEnvelope(success=True, data=render.beneficiary(added)), status_code=201)


@get("/beneficiaries", summary="List beneficiaries", operation_id="nivoListBeneficiaries")
async def list_beneficiaries(caller: NivoCaller, sandbox: SandboxDep) -> s.BeneficiaryListEnvelope:
    rows = await beneficiaries.beneficiaries_of(sandbox, caller.user.id)
    return s.BeneficiaryListEnvelope(success=True, data=[render.beneficiary(r) for r in rows])


@delete(
    "/beneficiaries/{beneficiary_id:str}",
    status_code=200,
    summary="Delete a beneficiary",
    operation_id="nivoDeleteBeneficiary",
)
async def delete_beneficiary(beneficiary_id: str, caller: NivoCaller, sandbox: SandboxDep) -> s.MessageEnvelope:
    await beneficiaries.delete_beneficiary(sandbox, caller.user.id, beneficiary_id)
    return s.MessageEnvelope(success=True, data=s.MessageOut(message="Beneficiary deleted"))


HANDLERS = [add_beneficiary, list_beneficiaries, delete_beneficiary]
