"""AsyncAPI 3.0 documents of the two socket contracts, served at ``/schema/asyncapi/{cashier,tribble}.json``.

Generated from the msgspec Structs the handlers use (``msgspec.json.schema_components``): Cashier's
request types are the Structs ``dispatch.OPERATIONS`` converts each frame's ``data`` into, its
server messages and pushes those of ``cashier.messages``; Tribble's Socket.IO connect auth,
``subscribe`` and events those of ``tribble.schemas.events``. The documents are described from the
server's side: ``receive`` is what a client sends (with its ``reply``), ``send`` what the server
pushes. Each is built once per app (the host in ``servers`` is the one the first request named).
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import Any

import msgspec
from litestar import Request, get

from app.platforms.cashier import messages as cashier_messages
from app.platforms.cashier.dispatch import OPERATIONS
from app.platforms.cashier.routes import WS_PATH
from app.platforms.tribble.realtime import EVENTS as TRIBBLE_EVENTS
from app.platforms.tribble.realtime import NAMESPACES
from app.platforms.tribble.schemas import events as tribble_events

ASYNCAPI = "3.0.0"
SCHEMA_REF = "#/components/schemas/{name}"
_KEY = re.compile(r"[^A-Za-z0-9_.-]")


def _version() -> str:
    try:
        return metadata.version("paysandbox")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def _key(name: str) -> str:
    """A component key (``^[A-Za-z0-9._-]+$``) for a message name such as ``transaction:completed``."""
    return _KEY.sub("_", name)


def _schemas(types: list[type[Any]]) -> tuple[dict[type[Any], dict[str, Any]], dict[str, Any]]:
    refs, components = msgspec.json.schema_components(types, ref_template=SCHEMA_REF)
    return dict(zip(types, refs, strict=True)), components


def _envelope(type_name: str, data: dict[str, Any] | None, *, data_required: bool, with_id: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {"type": "string", "const": type_name}}
    required = ["type"]
    if data is not None:
        properties["data"] = data
        if data_required:
            required.append("data")
    if with_id:
        properties["id"] = {
            "description": "optional; echoed on the reply",
            "anyOf": [{"type": "string", "maxLength": 200}, {"type": "number"}],
        }
    return {"type": "object", "properties": properties, "required": required}


def _message(name: str, title: str, payload: dict[str, Any], summary: str | None = None) -> dict[str, Any]:
    """An AsyncAPI message object: ``name``, ``title``, ``summary`` (when given) and ``payload``."""
    message: dict[str, Any] = {"name": name, "title": title}
    if summary is not None:
        message["summary"] = summary
    message["payload"] = payload
    return message


# -- Cashier ---------------------------------------------------------------------------------------
def cashier_document(host: str) -> dict[str, Any]:
    requests = {name: struct for name, (struct, _) in OPERATIONS.items()}
    types: list[type[Any]] = [*dict.fromkeys(requests.values())]
    types += [*cashier_messages.REPLIES.values(), *cashier_messages.PUSHES.values()]
    refs, components = _schemas(types)
    channel = {"$ref": "#/channels/cashier"}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}

    def message_ref(key: str) -> dict[str, str]:
        return {"$ref": f"#/channels/cashier/messages/{key}"}

    replies = [message_ref("success"), message_ref("error")]
    for name, struct in requests.items():
        messages[name] = _message(
            name,
            name.replace("_", " "),
            _envelope(name, refs[struct], data_required=False, with_id=True),
            f"The {name} request; its data is {struct.__name__}.",
        )
        operations[name] = {
            "action": "receive",
            "channel": channel,
            "summary": f"Client sends {name}; the server replies success or error.",
            "messages": [message_ref(name)],
            "reply": {"channel": channel, "messages": replies},
        }
    messages["ping"] = _message(
        "ping",
        "application ping",
        _envelope("ping", {"type": "object"}, data_required=False, with_id=True),
        "An application-level ping (not in the contract); answered with pong.",
    )
    operations["ping"] = {
        "action": "receive",
        "channel": channel,
        "messages": [message_ref("ping")],
        "reply": {"channel": channel, "messages": [message_ref("pong")]},
    }
    summaries = {
        "connected": "Sent once the socket is accepted.",
        "success": "The reply to a request: data.message is the documented phrase, data.data its payload.",
        "error": "The error frame: the reply to a refused request (and sent before closing a refused socket).",
        "pong": "The reply to ping.",
    }
    for name, struct in cashier_messages.REPLIES.items():
        messages[name] = _message(name, name, refs[struct], summaries[name])
    operations["connected"] = {"action": "send", "channel": channel, "messages": [message_ref("connected")]}
    for name, struct in cashier_messages.PUSHES.items():
        pushed = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "const": name},
                "data": refs[struct],
                "timestamp": {"type": "integer", "description": "unix seconds"},
            },
            "required": ["type", "data", "timestamp"],
        }
        messages[name] = _message(
            name, name.replace("_", " "), pushed, f"Pushed to every open socket of the user ({struct.__name__})."
        )
        operations[f"push_{name}"] = {"action": "send", "channel": channel, "messages": [message_ref(name)]}
    return {
        "asyncapi": ASYNCAPI,
        "id": "urn:paysandbox:cashier-websocket",
        "info": {
            "title": "Cashier WebSocket (Paysandbox)",
            "version": _version(),
            "description": "shared/contracts/cashier-websocket.md as the sandbox serves it. Every frame is JSON "
            '{"type", "data", "timestamp"}; a request may carry an "id" that its reply echoes. '
            "100 requests per minute per user.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "sandbox": {
                "host": host,
                "protocol": "ws",
                "pathname": WS_PATH,
                "description": "A refused token gets an error frame, then close code 4401.",
                "security": [
                    {"$ref": "#/components/securitySchemes/bearer"},
                    {"$ref": "#/components/securitySchemes/queryToken"},
                ],
            }
        },
        "channels": {
            "cashier": {
                "address": WS_PATH,
                "title": "Cashier socket",
                "servers": [{"$ref": "#/servers/sandbox"}],
                "messages": {key: {"$ref": f"#/components/messages/{key}"} for key in messages},
            }
        },
        "operations": operations,
        "components": {
            "schemas": components,
            "messages": messages,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Authorization: Bearer <jwt> on the upgrade (a JWT of any platform's login)",
                },
                "queryToken": {
                    "type": "httpApiKey",
                    "name": "token",
                    "in": "query",
                    "description": "?token=<jwt>, for browsers that cannot set headers",
                },
            },
        },
    }


# -- Tribble Socket.IO -------------------------------------------------------------------------------
def tribble_document(host: str) -> dict[str, Any]:
    e = tribble_events
    types: list[type[Any]] = [e.ConnectAuth, e.ConnectError, e.SubscribeIn, e.SubscribeAck, e.UnsubscribeAck]
    types += list(e.EVENTS.values())
    refs, components = _schemas(types)
    messages: dict[str, Any] = {
        "connect": _message(
            "connect",
            "connect (handshake auth)",
            refs[e.ConnectAuth],
            'The Socket.IO handshake: io(url, {auth: {token: "Bearer <accessToken>"}}).',
        ),
        "connect_error": _message(
            "connect_error",
            "connect_error",
            refs[e.ConnectError],
            "A refused handshake: err.message is the sentence, err.data.errorCode the code.",
        ),
        "subscribe": _message(
            "subscribe",
            "subscribe",
            refs[e.SubscribeIn],
            'emit("subscribe", {channels: ["user:<userId>", "transaction:all"]}, ack).',
        ),
        "subscribe_ack": _message("subscribe ack", "subscribe acknowledgement", refs[e.SubscribeAck]),
        "unsubscribe": _message(
            "unsubscribe", "unsubscribe", refs[e.SubscribeIn], "Not in the contract: drops channels again."
        ),
        "unsubscribe_ack": _message("unsubscribe ack", "unsubscribe acknowledgement", refs[e.UnsubscribeAck]),
    }
    for name, struct in e.EVENTS.items():
        messages[_key(name)] = _message(
            name, name, refs[struct], f"Emitted under the event name {name!r} with the envelope {{event, data}}."
        )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for namespace in NAMESPACES:
        key = "root" if namespace == "/" else _key(namespace.strip("/"))
        channels[key] = {
            "address": namespace,
            "title": f"namespace {namespace}",
            "description": "The Socket.IO namespace; both behave alike (io(HOST) and io(HOST/socket.io)).",
            "servers": [{"$ref": "#/servers/sandbox"}],
            "messages": {k: {"$ref": f"#/components/messages/{k}"} for k in messages},
        }
        channel = {"$ref": f"#/channels/{key}"}

        def ref(name: str, key: str = key) -> dict[str, str]:
            return {"$ref": f"#/channels/{key}/messages/{name}"}

        operations[f"{key}_connect"] = {
            "action": "receive",
            "channel": channel,
            "summary": "The client connects with its token; a refusal is a connect_error.",
            "messages": [ref("connect")],
            "reply": {"channel": channel, "messages": [ref("connect_error")]},
        }
        for emit in ("subscribe", "unsubscribe"):
            operations[f"{key}_{emit}"] = {
                "action": "receive",
                "channel": channel,
                "messages": [ref(emit)],
                "reply": {"channel": channel, "messages": [ref(f"{emit}_ack")]},
            }
        for name in e.EVENTS:
            operations[f"{key}_{_key(name)}"] = {"action": "send", "channel": channel, "messages": [ref(_key(name))]}
    return {
        "asyncapi": ASYNCAPI,
        "id": "urn:paysandbox:tribble-socketio",
        "info": {
            "title": "Ubiquitous Tribble Socket.IO (Paysandbox)",
            "version": _version(),
            "description": "The WebSocket Events of shared/contracts/tribble-rest.md: Socket.IO (engine.io v4, "
            "socket.io protocol v5) at /socket.io/. Events reach a socket subscribed to user:<userId> (every "
            "event of that user) or transaction:all (their transaction:* events).",
        },
        "defaultContentType": "application/json",
        "servers": {
            "sandbox": {
                "host": host,
                "protocol": "ws",
                "pathname": "/socket.io/",
                "description": "Socket.IO over WebSocket (or HTTP long-polling) at this engine.io path.",
                "security": [{"$ref": "#/components/securitySchemes/handshakeToken"}],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": components,
            "messages": messages,
            "securitySchemes": {
                "handshakeToken": {
                    "type": "httpApiKey",
                    "name": "token",
                    "in": "query",
                    "description": "auth.token of the handshake (also ?token= or an Authorization header): "
                    "a Tribble access token, with or without 'Bearer '",
                }
            },
        },
    }


assert set(TRIBBLE_EVENTS) == set(tribble_events.EVENTS), "realtime.EVENTS and schemas.events.EVENTS differ"
_DOCUMENTS = {"cashier": cashier_document, "tribble": tribble_document}


def document(request: Request[Any, Any, Any], name: str) -> dict[str, Any]:
    """The document, its server's host the one this request named (built per request: a few ms)."""
    return _DOCUMENTS[name](request.headers.get("host") or "127.0.0.1:8000")


@get("/schema/asyncapi/cashier.json", include_in_schema=False, summary="AsyncAPI 3.0: Cashier WebSocket")
async def cashier_asyncapi(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return document(request, "cashier")


@get("/schema/asyncapi/tribble.json", include_in_schema=False, summary="AsyncAPI 3.0: Tribble Socket.IO")
async def tribble_asyncapi(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return document(request, "tribble")


ROUTES: list[Any] = [cashier_asyncapi, tribble_asyncapi]
