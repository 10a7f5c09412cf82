"""GDPR and compliance: data export, account deletion, consents, complaints."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post
from litestar.openapi.datastructures import ResponseSpec

from app.core.events import Event
from app.lean_response import Response
from app.platforms.drop import gdpr, render
from app.platforms.drop.auth import clear_session_cookie, current_user
from app.platforms.drop.filters import Field, fetch_page
from app.platforms.drop.limits import client_ip
from app.platforms.drop.parsing import json_object, page_params
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import (
    Data,
    DropAccountDeleted,
    DropComplaint,
    DropComplaintCreated,
    DropConsent,
    DropExport,
    Page,
)
from app.platforms.drop.store import gdpr as store
from app.registry import SandboxDep

TAGS = ["Drop: GDPR & compliance"]
COMPLAINT_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "status": Field("status"),
    "category": Field("category"),
}


@get("/api/user/data-export", tags=TAGS, summary="Export all user data (GDPR portability)")
async def data_export(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropExport]:
    user = await current_user(request, sandbox)
    data = await gdpr.export_data(sandbox, user)
    return ok(request, DropExport(data, sandbox.clock.iso()))


@delete("/api/user/account", status_code=200, tags=TAGS, summary="Request account deletion (GDPR erasure)")
async def delete_account(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropAccountDeleted]:
    user = await current_user(request, sandbox)
    await sandbox.identity.soft_delete(user.id)  # status deleted, deleted_at, all sessions revoked
    await gdpr.record_request(sandbox, user.id, "erasure")
    await sandbox.events.publish(Event("user.deleted", {"id": user.drop_id}, user.id, "drop"))
    response = ok(request, DropAccountDeleted("Account scheduled for deletion", gdpr.RETENTION_NOTE))
    clear_session_cookie(response)
    return response


@get("/api/consents", tags=TAGS, summary="List the user's GDPR consents")
async def list_consents(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[list[DropConsent]]]:
    user = await current_user(request, sandbox)
    rows = await store.consents_of(sandbox.db, user.id)
    return ok(request, Data([render.consent(r, user.drop_id) for r in rows]))


@post(
    "/api/consents",
    status_code=200,
    tags=TAGS,
    summary="Grant or withdraw a consent (201 when new)",
    responses={201: ResponseSpec(Data[DropConsent], description="A consent of a type the user had none of")},
)
async def set_consent(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropConsent]]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    consent_type, granted = gdpr.consent_of(body)
    row, created = await gdpr.set_consent(sandbox, user.id, consent_type, granted, client_ip(request))
    assert row is not None
    return ok(request, Data(render.consent(row, user.drop_id)), 201 if created else 200)


@get("/api/complaints", tags=TAGS, summary="List the user's complaints")
async def list_complaints(
    request: Request[Any, Any, Any],
    sandbox: SandboxDep,
    page: str | None = None,
    limit: str | None = None,
    sort: str | None = None,
    dir: str | None = None,
) -> Response[Page[DropComplaint]]:
    """Filters: ``status``, ``category``, ``createdAt`` with the template operators."""
    user = await current_user(request, sandbox)
    number, size = page_params(page, limit, default_limit=10, max_limit=100)
    rows, pagination = await fetch_page(
        sandbox.db,
        store.COMPLAINTS,
        ("user_id", user.id),
        request.query_params.multi_items(),
        COMPLAINT_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    return ok(request, Page([render.complaint(r) for r in rows], pagination))


@post("/api/complaints", status_code=201, tags=TAGS, summary="Submit a complaint (Finansavtaleloven §3-53)")
async def create_complaint(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropComplaintCreated]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    category, texts = gdpr.complaint_of(body)
    row = await gdpr.file_complaint(sandbox, user.id, category, texts)
    assert row is not None
    return ok(request, DropComplaintCreated(render.complaint(row), gdpr.COMMITMENT_NOTE), 201)


ROUTES = [data_export, delete_account, list_consents, set_consent, list_complaints, create_complaint]
