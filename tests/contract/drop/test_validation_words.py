"""Drop's ``{"error", "message", "details"}`` says what is wrong with an amount in plain words."""

from __future__ import annotations

from typing import Any

from tests.contract.drop.conftest import SessionFactory

DISCLOSURE = "/api/transactions/disclosure"
JSON = {"content-type": "application/json"}


async def test_amount_errors_name_the_field_in_plain_words(new_session: SessionFactory) -> None:
    session = await new_session()

    async def refused(**body: Any) -> dict[str, Any]:
        resp = await session.http.post(DISCLOSURE, json={"type": "remittance", **body})
        assert resp.status_code == 400, resp.text
        answer: dict[str, Any] = resp.json()
        assert answer["error"] == "bad_request"
        return answer

    too_large = "amount is too large (at most 1000000000000000)"
    assert (await refused(amount=1e18))["message"] == too_large
    assert (await refused(amount=2**70))["details"] == [{"field": "amount", "message": too_large}]
    assert (await refused(amount="ten"))["message"] == "amount must be a number"

    raw = await session.http.post(DISCLOSURE, content=b'{"type": "remittance", "amount": 1e999}', headers=JSON)
    assert raw.status_code == 400
    assert raw.json() == {
        "error": "bad_request",
        "message": "amount is too large",
        "details": [{"field": "amount", "message": "amount is too large"}],
    }
    # A body that is not JSON keeps the documented wording.
    cut = await session.http.post(DISCLOSURE, content=b'{"type": ', headers=JSON)
    assert cut.status_code == 400 and cut.json() == {
        "error": "bad_request",
        "message": "Invalid JSON body",
        "details": [],
    }
