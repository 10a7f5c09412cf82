"""The one translator of msgspec / Litestar validation errors into plain words (app/wording)."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import msgspec
import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.params import Parameter, QueryParameter
from litestar.testing import AsyncTestClient

from app.core.errors import ValidationFailed
from app.core.money import parse_amount
from app.wording import (
    Problem,
    article_for_code,
    body_problem,
    from_msgspec,
    invalid_amount_message,
    request_problems,
    sentence,
)
from app.wording.paths import parse_path, render_path
from app.wording.problems import (
    INVALID_JSON,
    NOT_ALLOWED,
    PATTERN,
    REQUIRED,
    TOO_LARGE,
    TOO_LONG,
    TOO_SHORT,
    TOO_SMALL,
    UNKNOWN_FIELD,
    WRONG_TYPE,
)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(msgspec.Struct):
    amount: float
    sku: str = ""


class Order(msgspec.Struct, forbid_unknown_fields=True):
    from_account_id: str
    amount: float
    items: list[Item] = []
    colour: Colour = Colour.RED
    kind: Literal["send", "receive"] = "send"
    code: Annotated[str, msgspec.Meta(min_length=2, max_length=4)] = "ab"
    slug: Annotated[str, msgspec.Meta(pattern="^[a-z]+$")] = "a"
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    type_: str = msgspec.field(name="type", default="x")
    metadata: dict[str, str] = {}


class Camel(msgspec.Struct, rename="camel"):
    wallet_id: str
    amount: float


def _validation_error(body: bytes, into: Any = Order) -> msgspec.ValidationError:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(body, type=into)
    return caught.value


def _decode_error(body: bytes) -> msgspec.DecodeError:
    with pytest.raises(msgspec.DecodeError) as caught:
        msgspec.json.decode(body)  # as Litestar reads a body: into plain Python first
    return caught.value


OK = '"from_account_id": "acc-1", "amount": 1'

# (body decoded into Order, the field named, the kind, the sentence)
TYPED: list[tuple[str, str, str, str]] = [
    ('{"amount": 1}', "from_account_id", REQUIRED, "from_account_id is required"),
    ('{"from_account_id": "a", "amount": "ten"}', "amount", WRONG_TYPE, "amount must be a number"),
    ('{"from_account_id": 7, "amount": 1}', "from_account_id", WRONG_TYPE, "from_account_id must be a string"),
    ('{"from_account_id": "a", "amount": 1e999}', "amount", TOO_LARGE, "amount is too large"),
    (
        "{" + OK + ', "items": [{"amount": "x"}]}',
        "items[0].amount",
        WRONG_TYPE,
        "items[0].amount must be a number",
    ),
    ("{" + OK + ', "items": [{}]}', "items[0].amount", REQUIRED, "items[0].amount is required"),
    ("{" + OK + ', "colour": "green"}', "colour", NOT_ALLOWED, "colour must be one of: red, blue"),
    ("{" + OK + ', "kind": "lend"}', "kind", NOT_ALLOWED, "kind must be one of: receive, send"),
    ("{" + OK + ', "code": "abcdef"}', "code", TOO_LONG, "code must be at most 4 characters long"),
    ("{" + OK + ', "code": "a"}', "code", TOO_SHORT, "code must be at least 2 characters long"),
    ("{" + OK + ', "slug": "Not-A-Slug"}', "slug", PATTERN, "slug must match the pattern ^[a-z]+$"),
    ("{" + OK + ', "limit": 0}', "limit", TOO_SMALL, "limit must be at least 1"),
    ("{" + OK + ', "limit": 1180591620717411303424}', "limit", TOO_LARGE, "limit must be at most 100"),
    ("{" + OK + ', "type": 5}', "type", WRONG_TYPE, "type must be a string"),
    ("{" + OK + ', "metadata": {"note": 5}}', "metadata", WRONG_TYPE, "a value in metadata must be a string"),
    ("[1, 2]", "", WRONG_TYPE, "the body must be a JSON object"),
]


@pytest.mark.parametrize(("body", "field", "kind", "message"), TYPED)
def test_msgspec_validation_errors_in_plain_words(body: str, field: str, kind: str, message: str) -> None:
    problem = from_msgspec(_validation_error(body.encode()), root=Order)
    assert problem == Problem(field, kind, message)
    assert "`" not in problem.message and " - at " not in problem.message


def test_an_unknown_field_lists_the_known_ones_by_their_wire_names() -> None:
    problem = from_msgspec(_validation_error(("{" + OK + ', "colour_code": 1}').encode()), root=Order)
    assert (problem.field, problem.kind) == ("colour_code", UNKNOWN_FIELD)
    assert problem.message.startswith("unknown field colour_code (known fields: from_account_id, amount, items,")
    assert ", type, " in problem.message and "type_" not in problem.message


def test_renamed_fields_are_named_as_the_client_sends_them() -> None:
    problem = from_msgspec(_validation_error(b'{"amount": 1}', Camel), root=Camel)
    assert problem.message == "walletId is required"
    problem = from_msgspec(_validation_error(b'{"walletId": "w", "amount": "1"}', Camel), root=Camel)
    assert problem.message == "amount must be a number"


# (raw body, the field named, the kind, the sentence): the JSON decoder's own refusals
RAW: list[tuple[bytes, str, str, str]] = [
    (b'{"from_account_id": ', "", INVALID_JSON, "the body is not valid JSON (it ends too early)"),
    (b"{not json}", "", INVALID_JSON, "the body is not valid JSON (object keys must be strings at byte 1)"),
    (b"[1,,2]", "", INVALID_JSON, "the body is not valid JSON (invalid character at byte 3)"),
    (b'{"amount": 1e999}', "amount", TOO_LARGE, "amount is too large"),
    (b'{"a": 1, "items": [{"amount": -1e999}]}', "items[0].amount", TOO_LARGE, "items[0].amount is too large"),
    (b'{"meta": {"x": [1, 1e400]}}', "meta.x[1]", TOO_LARGE, "meta.x[1] is too large"),
]


@pytest.mark.parametrize(("body", "field", "kind", "message"), RAW)
def test_decoder_errors_in_plain_words(body: bytes, field: str, kind: str, message: str) -> None:
    problem = body_problem(_decode_error(body), body)
    assert problem == Problem(field, kind, message)
    assert problem.not_json is (kind == INVALID_JSON)


def test_an_unnamed_location_is_no_field() -> None:
    """msgspec's ``$[...]`` (a key it does not name) is not a field called "[...]"."""
    error = _decode_error(b'{"amount": 1e999}')
    assert "$[...]" in str(error)
    assert from_msgspec(error) == Problem("", TOO_LARGE, "a number in the body is too large")
    assert body_problem(error, None) == Problem("", TOO_LARGE, "a number in the body is too large")
    assert from_msgspec("Number out of range - at `$.metadata[...]`").field == "metadata"
    assert from_msgspec("Number out of range", whole="data").message == "a number in data is too large"


def test_the_whole_value_has_its_own_name() -> None:
    """Cashier words the request's ``data`` itself as "data"."""
    assert from_msgspec("Expected `object`, got `array`", whole="data").message == "data must be a JSON object"
    assert (
        from_msgspec("Input data was truncated", whole="data").message == "data is not valid JSON (it ends too early)"
    )


@pytest.mark.parametrize(
    ("text", "segments", "rendered"),
    [
        ("$.items[0].amount", ["items", 0, "amount"], "items[0].amount"),
        ("$", [], ""),
        ("", [], ""),
        ("amount", ["amount"], "amount"),
        ("$.a[...].b", ["a", "...", "b"], "a[...].b"),
    ],
)
def test_paths_in_the_clients_notation(text: str, segments: list[Any], rendered: str) -> None:
    assert parse_path(text) == segments
    assert render_path(segments) == rendered


def test_sentence_joins_every_problem() -> None:
    problems = [Problem("wallet_id", REQUIRED, "wallet_id is required"), Problem("amount", WRONG_TYPE, "x")]
    assert sentence(problems) == "wallet_id is required; x"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1e18, "amount is too large (at most 1000000000000000)"),
        (2**70, "amount is too large (at most 1000000000000000)"),
        ("abc", "amount must be a number"),
        (float("inf"), "amount must be a number"),
        (None, "amount must be a number"),
    ],
)
def test_the_cores_amount_refusals_in_plain_words(value: Any, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(value, "USD")
    assert invalid_amount_message(caught.value) == message
    assert invalid_amount_message(caught.value, "refundAmount") == message.replace("amount", "refundAmount", 1)


def test_other_amount_refusals_keep_their_own_words() -> None:
    simulator = ValidationFailed("Amount must be between 50 and 50000", code="invalid_amount")
    assert invalid_amount_message(simulator) is None
    assert invalid_amount_message(ValidationFailed("x", code="too_many_decimals")) is None


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("INR", "an"),
        ("EUR", "an"),
        ("NGN", "an"),
        ("NOK", "an"),
        ("MXN", "an"),
        ("SEK", "an"),
        ("HKD", "an"),
        ("AED", "an"),
        ("USD", "a"),
        ("KES", "a"),
        ("GBP", "a"),
        ("UGX", "a"),
        ("ZAR", "a"),
    ],
)
def test_the_article_follows_the_first_letters_sound(code: str, article: str) -> None:
    assert article_for_code(code) == article


# -- requests Litestar refused before a handler ran ----------------------------------------------
def _render(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    problems = request_problems(exc, request)
    assert problems is not None, exc
    return Response({"errors": [[p.field, p.kind, p.message, p.source] for p in problems]}, status_code=400)


@get("/list")
async def list_things(
    type_: Annotated[int, QueryParameter(name="type")] = 3,
    page: Annotated[int, Parameter(ge=1)] = 1,
    sort_by: Annotated[str, QueryParameter(name="sortBy", max_length=5)] = "id",
) -> dict[str, int]:
    return {"type": type_, "page": page}


@post("/orders")
async def create_order(data: Order) -> dict[str, str]:
    return {"ok": data.from_account_id}


@pytest.fixture
async def tiny() -> Any:
    app = Litestar([list_things, create_order], exception_handlers={Exception: _render})
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=abc", ["type", WRONG_TYPE, "type must be an integer", "query"]),
        ("page=0", ["page", TOO_SMALL, "page must be at least 1", "query"]),
        ("sortBy=createdAt", ["sortBy", TOO_LONG, "sortBy must be at most 5 characters long", "query"]),
    ],
)
async def test_query_parameters_by_the_name_the_client_sends(tiny: Any, query: str, expected: list[str]) -> None:
    resp = await tiny.get(f"/list?{query}")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", ["", "body_required", "a JSON body is required", "body"]),
        (b'{"from_account_id": ', ["", INVALID_JSON, "the body is not valid JSON (it ends too early)", "body"]),
        (b'{"from_account_id": "a", "amount": 1e999}', ["amount", TOO_LARGE, "amount is too large", "body"]),
        (b'{"amount": 5}', ["from_account_id", REQUIRED, "from_account_id is required", "body"]),
        (
            b'{"from_account_id": "a", "amount": 1, "items": [{"amount": "x"}]}',
            ["items[0].amount", WRONG_TYPE, "items[0].amount must be a number", "body"],
        ),
        (
            b'{"from_account_id": "a", "amount": 1, "kind": "x"}',
            ["kind", NOT_ALLOWED, "kind must be one of: receive, send", "body"],
        ),
    ],
)
async def test_bodies_litestar_refused(tiny: Any, body: bytes, expected: list[str]) -> None:
    resp = await tiny.post("/orders", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["errors"] == [expected]


def test_other_exceptions_are_not_validation_problems() -> None:
    assert request_problems(ValueError("boom")) is None
    assert request_problems(RecursionError()) == [
        Problem("", INVALID_JSON, "the body is not valid JSON (it is nested too deeply)")
    ]
