"""/_sandbox/fixtures: apply a fixture document (JSON, or YAML by its Content-Type); list the sections.

The body is the document itself (docs/fixtures.md): ``Content-Type: application/json``, or
``application/yaml`` / ``text/yaml`` for YAML. ``?dry_run=true`` validates without applying. An
invalid document is ``400 fixture_invalid`` with ``details.errors``: every problem at once, each with
its path in the document; nothing is applied then.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_200_OK

from app.core.fixture_kinds import kinds_of
from app.registry import SandboxDep
from app.sandbox.fixtures import apply_document, is_yaml, parse_document
from app.sandbox.fixtures.schema import Clock, UserItem
from app.sandbox.schemas_fixtures import FixtureApplied, FixtureSections

_REF_NOTE = "fields named in refs take '@name' of an item of those sections"


def _schema(struct: type[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = msgspec.json.schema(struct)
    return schema


class FixtureController(Controller):
    path = "/fixtures"
    tags = ["sandbox: fixtures"]

    @post(
        "/",
        status_code=HTTP_200_OK,
        summary="Apply a fixture document (JSON or YAML body): users, balances, platform items, the clock",
        description="Validates the whole document first (400 fixture_invalid lists every error with its path; "
        "nothing applied), then applies it through the platforms' services; the same document again changes "
        "nothing. Send YAML with Content-Type application/yaml. See docs/fixtures.md.",
    )
    async def apply_fixtures(
        self,
        request: Request[Any, Any, Any],
        sandbox: SandboxDep,
        dry_run: Annotated[bool, QueryParameter(description="validate only, apply nothing")] = False,
    ) -> FixtureApplied:
        raw = await request.body()
        data = parse_document(raw, yaml_text=is_yaml(media_type=request.headers.get("content-type")))
        return msgspec.convert(await apply_document(sandbox, data, dry_run=dry_run), FixtureApplied)

    @get("/", summary="The sections a fixture document may have, each with the JSON Schema of one item")
    async def fixture_sections(self, sandbox: SandboxDep) -> FixtureSections:
        sections: list[dict[str, Any]] = [
            {"section": "clock", "platform": None, "summary": "the sandbox clock's start", "schema": _schema(Clock)},
            {
                "section": "users",
                "platform": None,
                "summary": "users by email (created or updated) with KYC, roles, 2FA and wallet balances",
                "schema": _schema(UserItem),
                "refs": {},
            },
        ]
        for section, kind in kinds_of(sandbox).items():
            sections.append(
                {
                    "section": section,
                    "platform": kind.platform,
                    "summary": kind.summary,
                    "schema": _schema(kind.item),
                    "refs": {ref.field: list(ref.sections) for ref in kind.refs},
                }
            )
        return msgspec.convert({"sections": sections, "note": _REF_NOTE}, FixtureSections)
