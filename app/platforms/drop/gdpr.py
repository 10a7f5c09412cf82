"""GDPR and compliance rules: the data export and its access record, consents, complaints."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.identity.models import User
from app.platforms.drop import render
from app.platforms.drop.errors import bad_request, field_error
from app.platforms.drop.parsing import sanitize
from app.platforms.drop.respond import banks_of
from app.platforms.drop.store import gdpr as store
from app.platforms.drop.store.recipients import recipients_of
from app.platforms.drop.store.transactions import transactions_of
from app.platforms.drop.user_settings import load_settings
from app.runtime import Sandbox

CONSENT_TYPES = ("terms", "privacy", "marketing", "cookies_analytics", "cookies_marketing")
COMPLAINT_CATEGORIES = ("transaction", "service", "fees", "privacy", "technical", "other")
COMPLAINT_TEXTS = (("subject", 200), ("description", 2000))  # field, most characters
RETENTION_NOTE = "Data retained for 5 years per AML requirements"
COMMITMENT_NOTE = "We will review and respond to your complaint within 15 business days per Finansavtaleloven §3-53"


async def record_request(sandbox: Sandbox, user_id: int, kind: str) -> None:
    """A data access request (``export``, ``erasure``), completed at once."""
    now = sandbox.clock.time()
    await store.insert_data_request(sandbox.db, render.new_id("dar"), user_id, kind, now)


async def export_data(sandbox: Sandbox, user: User) -> dict[str, Any]:
    """Everything Drop holds on the user (and the access request recorded)."""
    txs = await transactions_of(sandbox.db, user.id)
    recipients = await recipients_of(sandbox.db, user.id)
    consents = await store.consents_of(sandbox.db, user.id)
    accounts = await banks_of(sandbox).accounts(user.id)
    settings = await load_settings(sandbox, user.id)
    data = render.export(user, txs, recipients, accounts, settings, consents)
    await record_request(sandbox, user.id, "export")
    return data


def consent_of(body: dict[str, Any]) -> tuple[str, bool]:
    """``consentType`` and ``granted`` of a consent body (400 ``bad_request`` when either is bad)."""
    consent_type, granted = body.get("consentType"), body.get("granted")
    if consent_type not in CONSENT_TYPES:
        raise bad_request(
            "Invalid consent type", [field_error("consentType", f"must be one of {', '.join(CONSENT_TYPES)}")]
        )
    if not isinstance(granted, bool):
        raise bad_request("granted is required (boolean)", [field_error("granted", "must be a boolean")])
    assert isinstance(consent_type, str)
    return consent_type, granted


async def set_consent(
    sandbox: Sandbox, user_id: int, consent_type: str, granted: bool, ip: str
) -> tuple[sqlite3.Row | None, bool]:
    """Grant or withdraw a consent: its row now, and whether it is new."""
    now = sandbox.clock.time()
    new_id = render.new_id("con")

    def run(conn: sqlite3.Connection) -> bool:
        return store.set_consent_in(conn, new_id, user_id, consent_type, granted, ip, now)

    created = await sandbox.db.write(run)
    row = await store.consent_of(sandbox.db, user_id, consent_type)
    return row, bool(created)


def complaint_of(body: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """``category`` and the sanitised ``subject`` and ``description`` of a complaint body (400 when bad)."""
    category = body.get("category")
    if category not in COMPLAINT_CATEGORIES:
        raise bad_request(
            "Invalid category", [field_error("category", f"must be one of {', '.join(COMPLAINT_CATEGORIES)}")]
        )
    texts: dict[str, str] = {}
    for field, max_len in COMPLAINT_TEXTS:
        value = body.get(field)
        if not isinstance(value, str) or not sanitize(value, max_len + 1):
            raise bad_request(f"{field} is required", [field_error(field, "must not be empty")])
        if len(value.strip()) > max_len:
            raise bad_request(f"{field} must be at most {max_len} characters", [field_error(field, "too long")])
        texts[field] = sanitize(value, max_len)
    assert isinstance(category, str)
    return category, texts


async def file_complaint(sandbox: Sandbox, user_id: int, category: str, texts: dict[str, str]) -> sqlite3.Row | None:
    """A new complaint (status ``received``), read back."""
    now = sandbox.clock.time()
    complaint_id = render.new_id("cmp")
    await store.insert_complaint(
        sandbox.db, complaint_id, user_id, category, texts["subject"], texts["description"], now
    )
    return await store.complaint_by_id(sandbox.db, complaint_id)
