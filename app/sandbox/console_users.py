"""The console's Users panel: the demo accounts pinned on top, then search and pages over all users.

The page's own query string steers it (``/_sandbox/?q=alice``, ``?before=<id>``, ``?after=<id>``),
so a search or a page is a link that can be shared and the back button works; the rows come from
the same listing as ``GET /_sandbox/users`` (``users_page``: keyset pages, newest first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app.core.errors import NotFound
from app.core.numbers import strict_int
from app.runtime import Sandbox
from app.sandbox.api_people import user_view, users_page
from app.sandbox.schemas import UserList, UserView
from app.sandbox.services import find_user, identity
from seeds.demo import DEMO_USERS

PAGE_SIZE = 20
CONSOLE_PATH = "/_sandbox/"


@dataclass(frozen=True, slots=True)
class UserBrowse:
    """What the Users panel shows: a search and a keyset cursor, read from the console's URL."""

    q: str = ""
    before: int | None = None
    after: int | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> UserBrowse:
        before = strict_int(params.get("before") or "", minimum=1)
        after = strict_int(params.get("after") or "", minimum=0) if before is None else None
        return cls(q=(params.get("q") or "").strip()[:200], before=before, after=after)

    @property
    def first_page(self) -> bool:
        return self.before is None and self.after is None


@dataclass(frozen=True, slots=True)
class DemoAccount:
    user: UserView
    purpose: str


@dataclass(frozen=True, slots=True)
class UsersPanel:
    browse: UserBrowse
    page: UserList
    demo: list[DemoAccount]
    exact: UserView | None  # the one user the search names exactly (email, id, uuid, Drop id, phone)
    older_url: str | None
    newer_url: str | None
    first_url: str | None


def console_url(workspace: str, **params: Any) -> str:
    """A link to the console's Users panel in this workspace (empty parameters left out)."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if workspace != "default":
        query["workspace"] = workspace
    encoded = urlencode(query)
    return f"{CONSOLE_PATH}{'?' + encoded if encoded else ''}#users"


async def demo_accounts(sandbox: Sandbox) -> list[DemoAccount]:
    """The documented demo accounts (alice ... admin) that this database has, in their documented order."""
    ids = identity(sandbox)
    found: list[DemoAccount] = []
    for demo in DEMO_USERS:
        user = await ids.by_email(demo.email)
        if user is not None:
            found.append(DemoAccount(await user_view(sandbox, user), demo.purpose))
    return found


async def exact_match(sandbox: Sandbox, query: str) -> UserView | None:
    """The user a search names exactly, as the control API's ``{user}`` paths resolve it."""
    try:
        user = await find_user(sandbox, query)
    except NotFound:
        return None
    return await user_view(sandbox, user)


async def users_panel(sandbox: Sandbox, browse: UserBrowse) -> UsersPanel:
    page = await users_page(sandbox, PAGE_SIZE, browse.q or None, browse.before, browse.after)
    pinned = not browse.q and browse.first_page
    workspace = sandbox.name
    return UsersPanel(
        browse=browse,
        page=page,
        demo=await demo_accounts(sandbox) if pinned else [],
        exact=await exact_match(sandbox, browse.q) if browse.q and browse.first_page else None,
        older_url=console_url(workspace, q=browse.q, before=page.next_before) if page.next_before else None,
        newer_url=console_url(workspace, q=browse.q, after=page.prev_after) if page.prev_after is not None else None,
        first_url=None if browse.first_page else console_url(workspace, q=browse.q),
    )
