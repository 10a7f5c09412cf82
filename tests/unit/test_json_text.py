"""app.core.json_text: the stored JSON texts parse back to what json.dumps stored, byte format aside."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.core.json_text import json_text

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=25)


@given(values)
def test_a_json_value_parses_back_as_json_dumps_stored_it(value: Any) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value)) == value


class Money:
    def __str__(self) -> str:
        return "NGN 1.50"


def test_the_text_is_compact_utf8_and_other_types_are_stored_as_their_str() -> None:
    text = json_text({"name": "Zoë €", "amount": Decimal("1.50"), "what": Money(), "ids": (1, 2), 7: None})
    assert text == '{"name":"Zoë €","amount":"1.50","what":"NGN 1.50","ids":[1,2],"7":null}'
    assert json_text({"n": 2**80}) == '{"n":1208925819614629174706176}'  # past 64 bits, as json.dumps
