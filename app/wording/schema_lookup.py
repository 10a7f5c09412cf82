"""What a request type allows at a field path: the values of an enum or Literal, the fields of an object.

msgspec says ``Invalid enum value 'x'`` and ``Object contains unknown field `x` `` without the
alternatives; these read them from the type the value was checked against.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from msgspec import inspect as mi

from app.wording.paths import Segment

_RECORDS = (mi.StructType, mi.DataclassType, mi.TypedDictType)
_ARRAYS = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


@lru_cache(maxsize=512)
def _info(root: Any) -> mi.Type | None:
    try:
        return mi.type_info(root)
    except Exception:  # an annotation msgspec cannot describe: nothing to list
        return None


def _branches(node: mi.Type) -> list[mi.Type]:
    """The alternatives of a type: a union's members, with constraints (``Meta``) unwrapped."""
    while isinstance(node, mi.Metadata):
        node = node.type
    if isinstance(node, mi.UnionType):
        return [branch for member in node.types for branch in _branches(member)]
    return [node]


def _children(node: mi.Type, segment: Segment) -> list[mi.Type]:
    found: list[mi.Type] = []
    for branch in _branches(node):
        if isinstance(branch, _RECORDS) and isinstance(segment, str):
            found += [field.type for field in branch.fields if field.encode_name == segment]
        elif isinstance(branch, _ARRAYS) and isinstance(segment, int):
            found.append(branch.item_type)
        elif isinstance(branch, mi.TupleType) and isinstance(segment, int) and segment < len(branch.item_types):
            found.append(branch.item_types[segment])
        elif isinstance(branch, mi.DictType):
            found.append(branch.value_type)
    return found


def _types_at(root: Any, path: Sequence[Segment]) -> list[mi.Type]:
    if root is None:
        return []
    try:
        top = _info(root)
    except TypeError:  # an unhashable annotation
        top = None
    nodes = [top] if top is not None else []
    for segment in path:
        nodes = [child for node in nodes for child in _children(node, segment)]
    return nodes


def _spell(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def allowed_values(root: Any, path: Sequence[Segment]) -> list[str]:
    """The values an enum (declaration order) or Literal (msgspec sorts them) at ``path`` of ``root`` accepts."""
    values: list[str] = []
    for node in _types_at(root, path):
        for branch in _branches(node):
            if isinstance(branch, mi.LiteralType):
                members: Sequence[Any] = branch.values
            elif isinstance(branch, mi.EnumType):
                members = [member.value for member in branch.cls]
            else:
                continue
            values += [spelled for spelled in map(_spell, members) if spelled not in values]
    return values


def known_fields(root: Any, path: Sequence[Segment]) -> list[str]:
    """The field names (as sent on the wire) of the object at ``path`` of ``root``."""
    names: list[str] = []
    for node in _types_at(root, path):
        for branch in _branches(node):
            if isinstance(branch, _RECORDS):
                names += [field.encode_name for field in branch.fields if field.encode_name not in names]
    return names
