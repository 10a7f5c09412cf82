"""Requests Litestar refused before a handler ran, in plain words.

Three shapes reach a platform's error renderer: a ``ValidationException`` whose ``extra`` lists
msgspec's messages by parameter (``{"message", "key", "source"}``), a ``ClientException`` wrapping
the JSON decoder's ``SerializationException`` (``Input data was truncated``), and the decoder's
``RecursionError`` / ``UnicodeDecodeError`` (a body nested absurdly deep, or not UTF-8).
``request_problems`` turns each into ``Problem``s; any other exception gives ``None``.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, SerializationException, ValidationException
from litestar.utils.scope.state import ScopeState

from app.wording.bodies import body_problem
from app.wording.paths import Segment, parse_path
from app.wording.problems import (
    BODY_REQUIRED,
    INVALID,
    INVALID_JSON,
    REQUIRED,
    Problem,
    describe,
    split_location,
)

_MISSING_PARAMETER = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")
BODY_PARAMETER = "data"  # the handler parameter Litestar decodes the body into


def request_problems(
    exc: BaseException, request: Request[Any, Any, Any] | None = None, *, whole: str = "the body"
) -> list[Problem] | None:
    """The problems of a request Litestar or its JSON decoder refused; None for any other exception."""
    if isinstance(exc, RecursionError):
        return [Problem("", INVALID_JSON, f"{whole} is not valid JSON (it is nested too deeply)")]
    if isinstance(exc, UnicodeDecodeError):
        return [Problem("", INVALID_JSON, f"{whole} is not valid JSON (it is not UTF-8 text)")]
    cause = exc.__cause__
    if isinstance(exc, ValidationException):
        if isinstance(cause, RecursionError | UnicodeDecodeError):  # re-raised as a ValidationException
            return request_problems(cause, request, whole=whole)
        return _validation_problems(exc, request, whole)
    if isinstance(exc, ClientException) and isinstance(cause, SerializationException):
        decoder_error = cause.__cause__
        text = decoder_error if isinstance(decoder_error, msgspec.MsgspecError) else str(cause)
        return [body_problem(text, _body(request), whole=whole)]
    return None


def _validation_problems(exc: ValidationException, request: Request[Any, Any, Any] | None, whole: str) -> list[Problem]:
    items = [item for item in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(item, dict)]
    if not items:
        detail = str(exc.detail or "")
        if match := _MISSING_PARAMETER.match(detail):
            name = match["name"]
            return [Problem(name, REQUIRED, f"{name} is required", match["source"])]
        return [Problem("", INVALID, detail or "the request is not valid")]
    parameters = _parameters(request)
    problems: list[Problem] = []
    for index, item in enumerate(items):
        raw_source = item.get("source") or "body"  # "body", or a ParamType (QUERY, PATH, HEADER, COOKIE)
        source = str(getattr(raw_source, "value", raw_source))
        key = str(item.get("key") or "")
        message = str(item.get("message") or "")
        located = _cause_location(exc) if index == 0 else None
        if located is not None:
            # The chained msgspec error keeps the exact path; the key in ``extra`` has every "data."
            # removed from it, so a body field ``meta_data.notes`` would read ``meta_notes`` there.
            parameter, path, message = located
        elif source == "body":
            parameter, path = BODY_PARAMETER, ([] if key == BODY_PARAMETER else parse_path(key))
        else:
            parameter, path = key, []
        if message == f"'{parameter}'":  # Litestar's KeyError text: the value is absent
            if parameter == BODY_PARAMETER:
                problems.append(Problem("", BODY_REQUIRED, "a JSON body is required"))
            else:
                name = _alias(parameters, parameter)
                problems.append(Problem(name, REQUIRED, f"{name} is required", source))
            continue
        annotation = _annotation(parameters, parameter)
        if parameter == BODY_PARAMETER:
            problems.append(describe(message, path, root=annotation, whole=whole, source=source))
        else:
            shown: list[Segment] = [_alias(parameters, parameter)]
            problems.append(describe(message, path, root=annotation, whole=whole, prefix=shown, source=source))
    return problems


def _cause_location(exc: ValidationException) -> tuple[str, list[Segment], str] | None:
    """(handler parameter, path inside it, message) from the msgspec error chained to ``exc``."""
    cause = exc.__cause__
    if not isinstance(cause, msgspec.ValidationError):
        return None
    message, where = split_location(str(cause))
    path = parse_path(where)
    if not path or not isinstance(path[0], str):
        return None
    return path[0], path[1:], message


def _parameters(request: Request[Any, Any, Any] | None) -> dict[str, Any]:
    handler = request.scope.get("route_handler") if request is not None else None
    signature = getattr(handler, "parsed_fn_signature", None)
    parameters = getattr(signature, "parameters", None)
    return parameters if isinstance(parameters, dict) else {}


def _annotation(parameters: dict[str, Any], name: str) -> Any:
    return getattr(parameters.get(name), "annotation", None)


def _alias(parameters: dict[str, Any], name: str) -> str:
    """The name the client uses for a handler parameter: ``type`` for ``type_`` declared with
    ``Parameter(query="type")`` or ``QueryParameter(name="type")`` (T-Wallet's ``?type=``)."""
    definition = getattr(parameters.get(name), "kwarg_definition", None)
    for attribute in ("query", "header", "cookie", "name"):
        alias = getattr(definition, attribute, None)
        if isinstance(alias, str) and alias:
            return alias
    return name


def _body(request: Request[Any, Any, Any] | None) -> bytes | None:
    """The body Litestar already read for this request (None when it has not)."""
    if request is None:
        return None
    body = ScopeState.from_scope(request.scope).body
    return body if isinstance(body, bytes) else None
