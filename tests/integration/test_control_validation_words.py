"""The control API's ``{"error", "message", "details"}`` names every failing field in plain words."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

JSON = {"content-type": "application/json"}


def _refused(resp: Any, code: str = "validation_error") -> tuple[str, list[dict[str, str]]]:
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error"] == code, body
    return body["message"], body["details"]["errors"]


async def test_validation_errors_name_the_field_in_plain_words(client: AsyncTestClient) -> None:
    message, errors = _refused(await client.post("/_sandbox/clock/advance", json={"seconds": "soon"}))
    assert message == "seconds must be a number"
    assert errors == [{"field": "seconds", "message": "seconds must be a number"}]

    message, _ = _refused(await client.post("/_sandbox/clock/advance", json={}))
    assert message == "seconds is required"
    message, _ = _refused(await client.post("/_sandbox/clock/advance", json={"seconds": 5, "minutes": 1}))
    assert message == "unknown field minutes (known fields: seconds)"
    message, errors = _refused(
        await client.post("/_sandbox/clock/advance", content=b'{"seconds": 1e999}', headers=JSON)
    )
    assert errors == [{"field": "seconds", "message": "seconds is too large"}]

    message, _ = _refused(await client.put("/_sandbox/simulators/upi", json={"outcome": "maybe"}))
    assert message == "outcome must be one of: failure, manual, success"
    message, _ = _refused(await client.put("/_sandbox/simulators/upi", json={"error_message": "x" * 501}))
    assert message == "error_message must be at most 500 characters long"
    message, _ = _refused(await client.get("/_sandbox/inbox", params={"limit": "many"}))
    assert message == "limit must be an integer"

    message, errors = _refused(
        await client.post("/_sandbox/clock/advance", content=b'{"seconds": ', headers=JSON), "invalid_json"
    )
    assert message == "the body is not valid JSON (it ends too early)" and errors[0]["field"] == ""
