"""GDPR and compliance: data export, account deletion, consents, complaints."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec

from app.core.events import Event
from app.platforms.drop import render
from app.platforms.drop.auth import clear_session_cookie, current_user
from app.platforms.drop.errors import bad_request, field_error
from app.platforms.drop.filters import Field, fetch_page
from app.platforms.drop.limits import client_ip
from app.platforms.drop.parsing import json_object, page_params, sanitize
from app.platforms.drop.respond import banks_of, ok
from app.platforms.drop.routes.settings import load_settings
from app.platforms.drop.schemas import (
    Data,
    DropAccountDeleted,
    DropComplaint,
    DropComplaintCreated,
    DropConsent,
    DropExport,
    Page,
)
from app.registry import SandboxDep
from app.runtime import Sandbox

TAGS = ["Drop: GDPR & compliance"]
COMPLAINT_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "status": Field("status"),
    "category": Field("category"),
}
CONSENT_TYPES = ("terms", "privacy", "marketing", "cookies_analytics", "cookies_marketing")
COMPLAINT_CATEGORIES = ("transaction", "service", "fees", "privacy", "technical", "other")
RETENTION_NOTE = "Data retained for 5 years per AML requirements"
COMMITMENT_NOTE = "We will review and respond to your complaint within 15 business days per Finansavtaleloven §3-53"


async def _record_request(sandbox: Sandbox, user_id: int, kind: str) -> None:
    now = sandbox.clock.time()
    await sandbox.db.execute(
        "INSERT INTO drop_data_access_requests (id, user_id, type, status, created_at, completed_at) "
        "VALUES (?, ?, ?, 'completed', ?, ?)",
        (render.new_id("dar"), user_id, kind, now, now),
    )


def _consent(row: Any, drop_user_id: str) -> DropConsent:
    return DropConsent(
        id=row["id"],
        user_id=drop_user_id,
        consent_type=row["consent_type"],
        granted=int(row["granted"]),
        granted_at=render.when(row["granted_at"]),
        withdrawn_at=render.when(row["withdrawn_at"]),
        ip_address=row["ip_address"],
    )


def _complaint(row: Any) -> DropComplaint:
    return DropComplaint(
        id=row["id"],
        category=row["category"],
        subject=row["subject"],
        description=row["description"],
        status=row["status"],
        resolution=row["resolution"],
        created_at=render.iso(row["created_at"]),
        resolved_at=render.when(row["resolved_at"]),
    )


@get("/api/user/data-export", tags=TAGS, summary="Export all user data (GDPR portability)")
async def data_export(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropExport]:
    user = await current_user(request, sandbox)
    txs = await sandbox.db.fetchall(
        "SELECT * FROM drop_transactions WHERE user_id = ? ORDER BY created_at, rowid", (user.id,)
    )
    recipients = await sandbox.db.fetchall(
        "SELECT * FROM drop_recipients WHERE user_id = ? ORDER BY created_at, rowid", (user.id,)
    )
    consents = await sandbox.db.fetchall("SELECT * FROM drop_consents WHERE user_id = ? ORDER BY rowid", (user.id,))
    accounts = await banks_of(sandbox).accounts(user.id)
    settings = await load_settings(sandbox, user.id)
    data: dict[str, Any] = {
        "user": {
            "id": user.drop_id,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "date_of_birth": user.date_of_birth,
            "kyc_status": user.kyc_status,
            "role": user.role,
            "created_at": render.iso(user.created_at),
        },
        "transactions": [msgspec.to_builtins(render.tx_detail(r)) for r in txs],
        "recipients": [
            {
                "id": r["id"],
                "name": r["name"],
                "country": r["country"],
                "currency": r["currency"],
                "bankAccount": r["bank_account"],
                "bankName": r["bank_name"],
                "createdAt": render.iso(r["created_at"]),
            }
            for r in recipients
        ],
        "bankAccounts": [
            {
                "id": a.public_id,
                "bankName": a.bank_name,
                "accountNumber": a.account_number,
                "balance": render.amount(a.balance, a.currency),
                "currency": a.currency,
                "isPrimary": a.is_primary,
            }
            for a in accounts
        ],
        "settings": msgspec.to_builtins(settings),
        "consents": [msgspec.to_builtins(_consent(c, user.drop_id)) for c in consents],
    }
    await _record_request(sandbox, user.id, "export")
    return ok(request, DropExport(data, sandbox.clock.iso()))


@delete("/api/user/account", status_code=200, tags=TAGS, summary="Request account deletion (GDPR erasure)")
async def delete_account(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropAccountDeleted]:
    user = await current_user(request, sandbox)
    await sandbox.identity.soft_delete(user.id)  # status deleted, deleted_at, all sessions revoked
    await _record_request(sandbox, user.id, "erasure")
    await sandbox.events.publish(Event("user.deleted", {"id": user.drop_id}, user.id, "drop"))
    response = ok(request, DropAccountDeleted("Account scheduled for deletion", RETENTION_NOTE))
    clear_session_cookie(response)
    return response


@get("/api/consents", tags=TAGS, summary="List the user's GDPR consents")
async def list_consents(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[list[DropConsent]]]:
    user = await current_user(request, sandbox)
    rows = await sandbox.db.fetchall("SELECT * FROM drop_consents WHERE user_id = ? ORDER BY rowid", (user.id,))
    return ok(request, Data([_consent(r, user.drop_id) for r in rows]))


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
    consent_type, granted = body.get("consentType"), body.get("granted")
    if consent_type not in CONSENT_TYPES:
        raise bad_request(
            "Invalid consent type", [field_error("consentType", f"must be one of {', '.join(CONSENT_TYPES)}")]
        )
    if not isinstance(granted, bool):
        raise bad_request("granted is required (boolean)", [field_error("granted", "must be a boolean")])
    now = sandbox.clock.time()
    ip = client_ip(request)
    new_id = render.new_id("con")

    def run(conn: sqlite3.Connection) -> bool:
        row = conn.execute(
            "SELECT id FROM drop_consents WHERE user_id = ? AND consent_type = ?", (user.id, consent_type)
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO drop_consents (id, user_id, consent_type, granted, granted_at, withdrawn_at, ip_address) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (new_id, user.id, consent_type, int(granted), now if granted else None, None if granted else now, ip),
            )
            return True
        if granted:
            conn.execute(
                "UPDATE drop_consents SET granted = 1, granted_at = ?, withdrawn_at = NULL, ip_address = ? "
                "WHERE id = ?",
                (now, ip, row["id"]),
            )
        else:
            conn.execute(
                "UPDATE drop_consents SET granted = 0, withdrawn_at = ?, ip_address = ? WHERE id = ?",
                (now, ip, row["id"]),
            )
        return False

    created = await sandbox.db.write(run)
    row = await sandbox.db.fetchone(
        "SELECT * FROM drop_consents WHERE user_id = ? AND consent_type = ?", (user.id, consent_type)
    )
    return ok(request, Data(_consent(row, user.drop_id)), 201 if created else 200)


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
        "drop_complaints",
        ("user_id", user.id),
        request.query_params.multi_items(),
        COMPLAINT_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    return ok(request, Page([_complaint(r) for r in rows], pagination))


@post("/api/complaints", status_code=201, tags=TAGS, summary="Submit a complaint (Finansavtaleloven §3-53)")
async def create_complaint(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[DropComplaintCreated]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    category = body.get("category")
    if category not in COMPLAINT_CATEGORIES:
        raise bad_request(
            "Invalid category", [field_error("category", f"must be one of {', '.join(COMPLAINT_CATEGORIES)}")]
        )
    texts: dict[str, str] = {}
    for field, max_len in (("subject", 200), ("description", 2000)):
        value = body.get(field)
        if not isinstance(value, str) or not sanitize(value, max_len + 1):
            raise bad_request(f"{field} is required", [field_error(field, "must not be empty")])
        if len(value.strip()) > max_len:
            raise bad_request(f"{field} must be at most {max_len} characters", [field_error(field, "too long")])
        texts[field] = sanitize(value, max_len)
    now = sandbox.clock.time()
    complaint_id = render.new_id("cmp")
    await sandbox.db.execute(
        "INSERT INTO drop_complaints (id, user_id, category, subject, description, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'received', ?)",
        (complaint_id, user.id, category, texts["subject"], texts["description"], now),
    )
    row = await sandbox.db.fetchone("SELECT * FROM drop_complaints WHERE id = ?", (complaint_id,))
    return ok(request, DropComplaintCreated(_complaint(row), COMMITMENT_NOTE), 201)


ROUTES = [data_export, delete_account, list_consents, set_consent, list_complaints, create_complaint]
