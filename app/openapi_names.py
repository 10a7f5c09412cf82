"""Names in the OpenAPI document: component schemas without module paths, camelCase operation ids.

Litestar names a component after its class, and when two classes share a name it prefixes module
path parts (``tribble_schemas_WalletOut``, ``platforms_twallet_schemas_AccountView``); a generic
struct gets its arguments' dotted paths (``Data_app.platforms.drop.schemas.DropCard_``). A typed
client turns those into identifiers nobody wants to write. ``clean_component_names`` renames them:
a collision keeps its platform as a prefix (``TribbleWalletOut``, ``NivoWalletOut``), a generic reads
as its arguments then the generic (``DropCardData``, ``DropCardListData``, ``DropComplaintPage``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from app.openapi_errors import SCHEMA_REF

# How a platform (or the control API) is written at the front of a name.
DISPLAY_NAMES: dict[str, str] = {
    "tribble": "Tribble",
    "nivo": "Nivo",
    "drop": "Drop",
    "twallet": "TWallet",
    "cashier": "Cashier",
    "sandbox": "Sandbox",
}
CLEAN_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# The module path of a class inside a generic's name (the project's packages only: "list_app.x.Y" is
# the builtin list of app.x.Y).
_DOTTED_PATH = re.compile(r"(?<![A-Za-z0-9])(?:app|simulators|seeds)\.(?:[a-z0-9_]+\.)*")
_MODULE_PREFIXED = re.compile(r"^((?:[a-z][a-z0-9]*_)+)([A-Z][A-Za-z0-9]*)$")
_CONTAINERS = {"list": "List", "dict": "Map", "set": "Set", "tuple": "Tuple", "frozenset": "Set"}


def camel(words: str) -> str:
    """``create_transaction`` -> ``CreateTransaction``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", words) if part)


def clean_name(name: str) -> str:
    """The name a component should have (``name`` itself when it is already clean)."""
    if CLEAN_NAME.match(name):
        return name
    prefixed = _MODULE_PREFIXED.match(name)
    if prefixed:
        modules = [part for part in prefixed.group(1).split("_") if part]
        owner = next((DISPLAY_NAMES[part] for part in modules if part in DISPLAY_NAMES), camel(modules[0]))
        base = prefixed.group(2)
        return base if base.startswith(owner) else owner + base
    # A generic: Origin_arg_arg_ with dotted module paths in the arguments.
    tokens = [token for token in _DOTTED_PATH.sub("", name).split("_") if token]
    if not tokens:
        raise ValueError(f"cannot name component {name!r}")
    origin, arguments = tokens[0], tokens[1:]
    words: list[str] = []
    for token in arguments:
        if token in _CONTAINERS:
            words.append(_CONTAINERS[token])
        elif words and words[-1] not in _CONTAINERS.values():
            words += ["Or", camel(token)]
        else:
            words.append(camel(token))
    # Containers read after what they hold: [List, DropCard] -> DropCardList.
    ordered: list[str] = []
    for word in words:
        if ordered and ordered[-1] in _CONTAINERS.values() and word != "Or":
            ordered.insert(len(ordered) - 1, word)
        else:
            ordered.append(word)
    return "".join(ordered) + camel(origin)


def rename_components(document: dict[str, Any], renames: Mapping[str, str]) -> None:
    """Rename component schemas in place, with every ``$ref`` to them."""
    if not renames:
        return
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    document["components"]["schemas"] = {renames.get(name, name): schema for name, schema in schemas.items()}
    targets = {SCHEMA_REF + old: SCHEMA_REF + new for old, new in renames.items()}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and target in targets:
                node["$ref"] = targets[target]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)


def clean_component_names(document: dict[str, Any]) -> None:
    """Give every component schema a clean, unique name (``clean_name``); raise on a collision."""
    names = list(document.get("components", {}).get("schemas", {}))
    renames = {name: clean_name(name) for name in names if clean_name(name) != name}
    final = [renames.get(name, name) for name in names]
    duplicates = sorted({name for name in final if final.count(name) > 1})
    if duplicates:
        raise ValueError(f"component names collide after cleaning: {duplicates}")
    rename_components(document, renames)


def referenced_components(document: dict[str, Any]) -> set[str]:
    """Names of the component schemas reachable from the paths (through other components too)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    pending: list[Any] = [document.get("paths", {})]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and target.startswith(SCHEMA_REF):
                name = target[len(SCHEMA_REF) :]
                if name not in seen and name in schemas:
                    seen.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return seen


def drop_unreferenced_components(document: dict[str, Any], keep: Iterable[str] = ()) -> None:
    """Remove component schemas nothing refers to any more (Litestar's error bodies once replaced)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    wanted = referenced_components(document) | set(keep)
    for name in [name for name in schemas if name not in wanted]:
        del schemas[name]
