"""JSON text for what the money paths store: responses kept for replays, event payloads, metadata.

One msgspec encoder, 8-18x cheaper than ``json.dumps`` on these small objects (timeit; a Tribble
payment stored five such texts through ``json.dumps``: about 35 us of its write). The text is compact
(``","``/``":"``), non-ASCII stays UTF-8 rather than ``\\uXXXX``, NaN and the infinities become
``null`` (``json.dumps`` wrote ``NaN``/``Infinity``, which is not JSON), sets become arrays, bytes
base64 and datetimes ISO 8601; any other type is stored as ``str(value)``, as
``json.dumps(default=str)`` did. Everything that reads these texts parses them, so only their bytes
change. Not for canonical forms that are hashed or compared as text (idempotency request hashes,
Drop's request summaries, fixture digests): those stay ``json.dumps(sort_keys=True)`` so the hashes
already stored in a database keep matching.
"""

from __future__ import annotations

from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(enc_hook=str)


def json_text(value: Any) -> str:
    return _encoder.encode(value).decode()
