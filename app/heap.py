"""The garbage collector's settings for a long-running server process.

CPython's cyclic collector walks every tracked object of a generation when it runs. After startup
the process holds a few hundred thousand long-lived objects (Litestar's routing and signature
models, Faker's locale data, msgspec types, caches), so each full (generation 2) collection under
load walked all of them: measured on the example database at 64 connections, 7 full collections in
10 s, up to 250 ms each, which were the 100-300 ms p99 stalls of the benchmark's reads.

``settle()`` runs once when the server has started: one collection, then ``gc.freeze()`` moves every
object alive at that moment into the permanent generation, which later collections skip. Objects
created afterwards are collected as usual.
"""

from __future__ import annotations

import gc


def settle() -> None:
    gc.collect()
    gc.freeze()
