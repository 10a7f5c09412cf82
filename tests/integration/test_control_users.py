"""GET /_sandbox/users: search (email, phone, names, id, uuid) and keyset pages, newest first."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from app.runtime import Sandbox

PEOPLE = [  # (email, first, last, phone): ids 1..8 in this order
    ("alice@paysandbox.test", "Alice", "Achieng", "+919800000001"),
    ("bob@paysandbox.test", "Bob", "Okafor", "+919800000002"),
    ("carol@paysandbox.test", "Carol", "Wanjiru", "+254700000003"),
    ("per_cent@example.com", "Percy", "Hundred", "+4791000004"),
    ("percent@example.com", "Per", "Cent", "+4791000005"),
    ("mary.ann@example.com", "Mary Ann", "Smith", "+447700900006"),
    ("zed@example.com", "Zed", "Alice", "+447700900007"),
    ("yan@example.com", "Yan", "Liu", "+8613800000008"),
]


def box_of(client: AsyncTestClient) -> Sandbox:
    sandbox: Sandbox = client.app.state.registry.default
    return sandbox


async def people(client: AsyncTestClient) -> list[Any]:
    sandbox = box_of(client)
    return [
        await sandbox.identity.register(email, "Sandbox-pass-1", first_name=first, last_name=last, phone=phone)
        for email, first, last, phone in PEOPLE
    ]


async def listing(client: AsyncTestClient, **params: Any) -> dict[str, Any]:
    resp = await client.get("/_sandbox/users", params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [u["id"] for u in body["users"]]


async def test_search_by_email_name_full_name_phone_id_and_uuid(client: AsyncTestClient) -> None:
    users = await people(client)
    assert ids(await listing(client, q="alice")) == [7, 1]  # Zed Alice's last name, alice's email and name
    assert ids(await listing(client, q="ALICE@PAYSANDBOX")) == [1]
    assert ids(await listing(client, q="Mary Ann Smith")) == [6]  # first and last name together
    assert ids(await listing(client, q="+9198000000")) == [2, 1]  # part of a phone
    assert ids(await listing(client, q="3")) == [8, 3]  # id 3, and a phone containing a 3
    assert ids(await listing(client, q=" 2 ")) == [3, 2]  # trimmed: id 2, and +254... contains a 2
    assert ids(await listing(client, q=users[4].uuid)) == [5]
    assert ids(await listing(client, q=users[4].uuid.upper())) == [5]
    assert ids(await listing(client, q="nobody-at-all")) == []
    assert ids(await listing(client, q="")) == [8, 7, 6, 5, 4, 3, 2, 1]


async def test_search_wildcards_are_literal(client: AsyncTestClient) -> None:
    await people(client)
    assert ids(await listing(client, q="per_cent")) == [4]  # "_" is not "any character"
    assert ids(await listing(client, q="%")) == []
    assert ids(await listing(client, q="\\")) == []


async def test_keyset_pages_walk_every_user_once(client: AsyncTestClient) -> None:
    await people(client)
    first = await listing(client, limit=3)
    assert ids(first) == [8, 7, 6] and first["next_before"] == 6 and first["prev_after"] is None
    second = await listing(client, limit=3, before=first["next_before"])
    assert ids(second) == [5, 4, 3] and second["next_before"] == 3 and second["prev_after"] == 5
    last = await listing(client, limit=3, before=second["next_before"])
    assert ids(last) == [2, 1] and last["next_before"] is None and last["prev_after"] == 2
    # Back: the page just newer than a page's newest user, still newest first.
    back = await listing(client, limit=3, after=last["prev_after"])
    assert ids(back) == [5, 4, 3] and back["next_before"] == 3 and back["prev_after"] == 5
    top = await listing(client, limit=3, after=back["prev_after"])
    assert ids(top) == [8, 7, 6] and top["prev_after"] is None and top["next_before"] == 6


async def test_pages_of_a_search(client: AsyncTestClient) -> None:
    await people(client)
    first = await listing(client, q="example.com", limit=2)
    assert ids(first) == [8, 7] and first["next_before"] == 7
    second = await listing(client, q="example.com", limit=2, before=7)
    assert ids(second) == [6, 5] and second["prev_after"] == 6
    third = await listing(client, q="example.com", limit=2, before=5)
    assert ids(third) == [4] and third["next_before"] is None
    assert ids(await listing(client, q="example.com", limit=2, after=4)) == [6, 5]


async def test_a_new_user_does_not_shift_the_pages(client: AsyncTestClient) -> None:
    await people(client)
    first = await listing(client, limit=4)
    await box_of(client).identity.register("late@example.com", "Sandbox-pass-1", first_name="La", last_name="Te")
    second = await listing(client, limit=4, before=first["next_before"])
    assert ids(second) == [4, 3, 2, 1]  # no user twice, none skipped
    assert ids(await listing(client, limit=4, after=second["prev_after"])) == [8, 7, 6, 5]


async def test_empty_pages_and_bad_cursors(client: AsyncTestClient) -> None:
    await people(client)
    beyond = await listing(client, before=1)
    assert beyond["users"] == [] and beyond["next_before"] is None and beyond["prev_after"] == 0
    assert ids(await listing(client, after=beyond["prev_after"], limit=2)) == [2, 1]
    above = await listing(client, after=100)
    assert above["users"] == [] and above["prev_after"] is None and above["next_before"] == 101
    for params in ({"before": 0}, {"before": "x"}, {"after": -1}, {"before": 2**63}, {"limit": 0}, {"limit": 501}):
        resp = await client.get("/_sandbox/users", params=params)
        assert resp.status_code == 400 and resp.json()["error"] == "validation_error", (params, resp.text)
    both = await client.get("/_sandbox/users", params={"before": 5, "after": 1})
    assert both.status_code == 400 and both.json()["error"] == "validation_error"


async def test_console_users_panel_searches_and_pages_in_its_workspace(client: AsyncTestClient) -> None:
    assert (await client.post("/_sandbox/workspaces", json={"name": "qa-team"})).status_code == 201
    ws = {"X-Sandbox-Workspace": "qa-team"}
    for n in range(25):
        created = await client.post(
            "/api/auth/register",
            headers=ws,
            json={
                "email": f"qa{n}@example.com",
                "password": "secret123",
                "firstName": "Qa",
                "lastName": f"Person{n}",
                "dateOfBirth": "1990-01-01",
            },
        )
        assert created.status_code == 201, created.text
    page = (await client.get("/_sandbox/", params={"workspace": "qa-team"})).text
    assert 'name="workspace" value="qa-team"' in page  # the search form stays in the workspace
    assert 'id="users-older" rel="next" href="/_sandbox/?before=6&amp;workspace=qa-team#users"' in page
    assert 'id="demo-users"' not in page  # an empty workspace has no demo accounts to pin
    older = (await client.get("/_sandbox/", params={"workspace": "qa-team", "before": "6"})).text
    assert 'id="users-newer" rel="prev" href="/_sandbox/?after=5&amp;workspace=qa-team#users"' in older
    assert "qa4@example.com" in user_list(older) and "qa5@example.com" not in user_list(older)
    found = user_list((await client.get("/_sandbox/", params={"workspace": "qa-team", "q": "person17"})).text)
    assert "qa17@example.com" in found and "qa16@example.com" not in found
    bad = await client.get("/_sandbox/", params={"workspace": "qa-team", "before": "x", "after": "-1"})
    assert bad.status_code == 200 and "qa24@example.com" in user_list(bad.text)  # a bad cursor: the first page


def user_list(page: str) -> str:
    """The console's users table (the event log further down names users too)."""
    start = page.index('<table id="user-list"')
    return page[start : page.index("</table>", start)]
