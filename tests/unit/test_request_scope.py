"""What the edge reads off a request's scope and adds to its response, without a server."""

from __future__ import annotations

from app.request_scope import query_value, with_request_id

ID = (b"x-request-id", b"req_1")


def test_a_response_without_headers_gets_the_request_id() -> None:
    assert with_request_id(None, ID) == [ID]
    assert with_request_id([], ID) == [ID]


def test_the_request_id_is_appended_after_the_handlers_headers() -> None:
    headers = [(b"content-type", b"application/json")]
    assert with_request_id(headers, ID) == [(b"content-type", b"application/json"), ID]
    assert headers == [(b"content-type", b"application/json")]  # the handler's list is not changed


def test_a_request_id_the_handler_set_is_kept_and_not_doubled() -> None:
    headers = [(b"x-request-id", b"req_from_handler"), (b"content-length", b"2")]
    assert with_request_id(headers, ID) is headers


def test_query_value_reads_one_raw_parameter() -> None:
    assert query_value(b"a=1&workspace=qa%201", b"workspace") == "qa 1"
