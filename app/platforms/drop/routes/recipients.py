"""/api/recipients: list (masked account numbers, paging), add, delete."""

from __future__ import annotations

import sqlite3
from typing import Any

from litestar import Request, delete, get, post
from litestar.status_codes import HTTP_204_NO_CONTENT

from app.lean_response import Response
from app.platforms.drop import render
from app.platforms.drop.auth import current_user
from app.platforms.drop.corridors import COUNTRIES
from app.platforms.drop.errors import not_found
from app.platforms.drop.filters import Field, fetch_page
from app.platforms.drop.parsing import Fields, json_object, page_params, sanitize
from app.platforms.drop.respond import ok
from app.platforms.drop.schemas import Data, DropRecipient, Page
from app.platforms.drop.store import recipients as store
from app.registry import SandboxDep

TAGS = ["Drop: recipients"]
RECIPIENT_FIELDS: dict[str, Field] = {
    "createdAt": Field("created_at", "time"),
    "country": Field("country"),
    "currency": Field("currency"),
    "name": Field("name"),
}


@get("/api/recipients", tags=TAGS, summary="List recipients (masked account numbers)")
async def list_recipients(
    request: Request[Any, Any, Any],
    sandbox: SandboxDep,
    page: str | None = None,
    limit: str | None = None,
    sort: str | None = None,
    dir: str | None = None,
) -> Response[Page[DropRecipient]]:
    """Filters: ``country``, ``currency``, ``name``, ``createdAt`` with the template operators."""
    user = await current_user(request, sandbox)
    number, size = page_params(page, limit, default_limit=20, max_limit=50)
    rows, pagination = await fetch_page(
        sandbox.db,
        store.TABLE,
        ("user_id", user.id),
        request.query_params.multi_items(),
        RECIPIENT_FIELDS,
        sort=sort,
        direction=dir,
        number=number,
        size=size,
    )
    return ok(request, Page([render.recipient(r) for r in rows], pagination))


@post("/api/recipients", status_code=201, tags=TAGS, summary="Add a recipient")
async def add_recipient(request: Request[Any, Any, Any], sandbox: SandboxDep) -> Response[Data[DropRecipient]]:
    user = await current_user(request, sandbox)
    body = await json_object(request)
    fields = Fields(body)
    name = fields.name("name")
    country = fields.string("country")
    if country is not None:
        country = country.upper()
        if country not in COUNTRIES:
            fields.fail("country", f"Unsupported country; supported: {', '.join(COUNTRIES)}")
    currency = fields.string("currency")
    if currency is not None:
        currency = currency.upper()
        if country in COUNTRIES and currency != COUNTRIES[country].currency:
            fields.fail("currency", f"Currency for {country} must be {COUNTRIES[country].currency}")
    bank_account = fields.string("bankAccount", max_len=64)
    if bank_account is not None and sum(ch.isalnum() for ch in bank_account) < 4:
        fields.fail("bankAccount", "bankAccount is not a valid account number")
    bank_name_raw = fields.string("bankName", required=False)
    fields.raise_if_failed()
    assert name and country and currency and bank_account
    bank_name = sanitize(bank_name_raw, 200) if bank_name_raw else None
    now = sandbox.clock.time()
    recipient_id = render.new_id("rcp")
    await store.insert_recipient(
        sandbox.db, recipient_id, user.id, name, country, currency, bank_account, bank_name or None, now
    )
    row = await store.recipient_by_id(sandbox.db, recipient_id)
    return ok(request, Data(render.recipient(row)), 201)


@delete("/api/recipients/{id:str}", status_code=HTTP_204_NO_CONTENT, tags=TAGS, summary="Delete")
async def delete_recipient(request: Request[Any, Any, Any], sandbox: SandboxDep, id: str) -> None:
    user = await current_user(request, sandbox)

    def run(conn: sqlite3.Connection) -> int:
        return store.delete_recipient_in(conn, id, user.id)

    if not await sandbox.db.write(run):
        raise not_found("Recipient not found")


ROUTES = [list_recipients, add_recipient, delete_recipient]
